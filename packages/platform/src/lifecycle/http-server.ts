import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { requestIdFrom } from '../http/request-id.js';
import type { Logger } from '../logger.js';

/** More headers than this is a 431. Node would keep the first 1000 and drop the rest without a word. */
export const MAX_REQUEST_HEADERS = 1000;
/** How long a socket that was answered with an error may stay half-closed before it is destroyed. */
const LINGER_MS = 2000;

interface ServerAnswer {
  status: number;
  code: string;
  message: string;
}

const BAD_REQUEST: ServerAnswer = { status: 400, code: 'bad_request', message: 'The request is not valid HTTP/1.1' };

const CONNECT_REFUSED: ServerAnswer = { status: 405, code: 'method_not_allowed', message: 'Method CONNECT not allowed' };
/**
 * The Allow of a CONNECT's 405: the methods the services answer at all. A CONNECT names a host and
 * port rather than a path (the services are no proxies), so there is no route to ask; OPTIONS on a
 * path says what that path takes.
 */
export const CONNECT_ALLOW = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/** What Node's HTTP parser and timers report, as the contract's errors (Node answers these in plain text). */
const CLIENT_ERRORS: Record<string, ServerAnswer> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: 'The request headers are too large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, code: 'payload_too_large', message: 'The chunk extensions are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'The request did not arrive in time' },
};

export interface HttpServerOptions {
  logger: Logger;
  /** REQUEST_TIMEOUT_MS: time allowed to receive a whole request, headers included (then 408). */
  requestTimeoutMs: number;
}

/**
 * The HTTP server every service listens with. Whatever Node would answer itself (a request line
 * it cannot parse, headers too large, a request that does not arrive in time, an HTTP/1.1 request
 * without Host, an Expect it does not know) gets the contract's JSON error instead of plain text,
 * with `Connection: close`; and a request with more than 1000 headers is refused, not truncated.
 * A CONNECT, which Node hands over as a bare socket (and closes unanswered when nobody listens),
 * gets the contract's 405.
 */
export function createHttpServer(app: Express, options: HttpServerOptions): Server {
  const { logger, requestTimeoutMs } = options;
  const refuse = (res: ServerResponse, answer: ServerAnswer) => {
    logger.info({ status: answer.status, code: answer.code }, answer.message);
    const body = JSON.stringify({ error: answer.message, code: answer.code });
    res.writeHead(answer.status, { ...jsonHeaders(body), Connection: 'close' }).end(body);
  };

  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      // Node looks for requests past their time only this often (30 s by default).
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeoutMs / 4))),
      // Answered below, as JSON.
      requireHostHeader: false,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const problem = requestProblem(req);
      if (problem) refuse(res, problem);
      else app(req, res);
    },
  );
  // Every header is kept (the header size limit, 16 kB, still bounds them), so that more than
  // MAX_REQUEST_HEADERS can be seen and refused rather than silently cut.
  server.maxHeadersCount = 0;

  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    refuse(res, { status: 417, code: 'expectation_failed', message: 'Only "Expect: 100-continue" is understood' });
  });

  const answered = new WeakSet<Duplex>();
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // The parser reports the same error again for every further chunk: answer once.
    if (answered.has(socket)) return;
    answered.add(socket);
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    // As Node does: nothing when the client is gone, or when an answer has already begun on this socket.
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const answer = CLIENT_ERRORS[err.code ?? ''] ?? BAD_REQUEST;
    logger.info({ status: answer.status, code: answer.code, reason: err.code }, answer.message);
    endWith(socket, rawAnswer(answer));
  });

  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    // The socket is ours from here: Node's own error handling left it with the parser.
    socket.on('error', () => socket.destroy());
    const requestId = requestIdFrom(req);
    logger.info({ request_id: requestId, status: CONNECT_REFUSED.status, code: CONNECT_REFUSED.code }, CONNECT_REFUSED.message);
    endWith(socket, rawAnswer(CONNECT_REFUSED, { Allow: CONNECT_ALLOW, 'X-Request-Id': requestId }));
  });
  return server;
}

/** Sends the last bytes of a connection and closes it. */
function endWith(socket: Duplex, answer: string): void {
  socket.end(answer);
  // Destroying at once could reset the connection before the client has read the answer.
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}

function requestProblem(req: IncomingMessage): ServerAnswer | null {
  if (req.rawHeaders.length / 2 > MAX_REQUEST_HEADERS) {
    return { status: 431, code: 'headers_too_large', message: `A request may have at most ${MAX_REQUEST_HEADERS} headers` };
  }
  // RFC 9112 3.2: an HTTP/1.1 request without Host is a 400.
  if (req.httpVersion === '1.1' && req.headers.host === undefined) {
    return { status: 400, code: 'bad_request', message: 'An HTTP/1.1 request needs a Host header' };
  }
  return null;
}

function jsonHeaders(body: string): Record<string, string> {
  return {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': randomUUID(),
  };
}

function rawAnswer(answer: ServerAnswer, extraHeaders: Record<string, string> = {}): string {
  const body = JSON.stringify({ error: answer.message, code: answer.code });
  const headers = Object.entries({ ...jsonHeaders(body), ...extraHeaders, Connection: 'close' }).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}`, ...headers, '', body].join('\r\n');
}
