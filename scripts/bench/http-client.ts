import http from 'node:http';

/** A request's outcome; status 0 means no answer (a refused connection, a reset, a timeout). */
export interface Answer {
  status: number;
  body: string;
}

export interface RequestSpec {
  method: 'GET' | 'POST';
  url: URL;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer;
  /** When false the body is drained unread, which costs the load generator less. */
  readBody?: boolean;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The load generator's client: Node's http module over one keep-alive agent, so each concurrent
 * client keeps one socket for the whole phase. fetch and axios cost several times the CPU per
 * request, and the load generator shares the cores with the services it measures.
 */
export class HttpClient {
  readonly #agent: http.Agent;

  constructor(maxSockets: number) {
    this.#agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(spec: RequestSpec): Promise<Answer> {
    return new Promise((resolve) => {
      const req = http.request(
        {
          agent: this.#agent,
          host: spec.url.hostname.replace(/^\[|\]$/g, ''),
          port: spec.url.port,
          path: spec.url.pathname + spec.url.search,
          method: spec.method,
          headers: spec.headers,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          res.on('error', () => resolve({ status: 0, body: '' }));
          if (spec.readBody === false) {
            res.on('end', () => resolve({ status, body: '' }));
            res.resume();
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ status: 0, body: '' }));
      req.end(spec.body);
    });
  }

  /** Sends `spec` and parses a JSON answer; the body is null when there is none or it is not JSON. */
  async json<T>(spec: RequestSpec): Promise<{ status: number; body: T | null }> {
    const answer = await this.send(spec);
    try {
      return { status: answer.status, body: answer.body ? (JSON.parse(answer.body) as T) : null };
    } catch {
      return { status: answer.status, body: null };
    }
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Headers for a JSON body, computed once per body so that a request builds nothing. */
export function jsonHeaders(body: Buffer, auth?: string): http.OutgoingHttpHeaders {
  return {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    ...(auth ? { Authorization: auth } : {}),
  };
}
