import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** Everything the server sent, as text. */
  raw: string;
}

export interface RawRequestOptions {
  timeoutMs?: number;
  /** Where the request comes from (any 127.x.y.z address is this host). */
  localAddress?: string;
}

/**
 * Writes `data` as is on a new TCP connection to 127.0.0.1:`port` and resolves with what the
 * server answers, once the server closes the connection: for requests no HTTP client would send
 * (a broken request line, thousands of headers, a request that never ends).
 */
export function rawRequest(port: number, data: string | Buffer, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${options.timeoutMs ?? 10_000} ms: ${Buffer.concat(chunks).toString()}`));
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may reset the connection right after its answer (a request it refused mid-way).
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const parsed = parseResponse(raw);
      if (parsed) resolve(parsed);
      else reject(new Error(`the server closed the connection without an HTTP answer: ${JSON.stringify(raw)}`));
    });
    // The client side stays open, as a real client's does: the server closes after its answer
    // (send `Connection: close`), or never answers a request that never ends until it times out.
    socket.write(data);
  });
}

function parseResponse(raw: string): RawResponse | null {
  const headEnd = raw.indexOf('\r\n\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
  if (headEnd < 0 || !match?.[1]) return null;
  const headers: Record<string, string> = {};
  for (const line of raw.slice(0, headEnd).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = raw.slice(headEnd + 4);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(match[1]), headers, body, json, raw };
}
