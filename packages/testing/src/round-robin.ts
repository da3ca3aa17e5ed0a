import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobin {
  url: string;
  port: number;
  /** How many requests each target was sent, by target URL. */
  counts: Map<string, number>;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * An HTTP load balancer on 127.0.0.1 in front of several replicas of one service, for tests: each
 * request goes to the next target in turn (per request, not per connection, as nginx does with
 * keep-alive upstreams). A target that refuses the connection (a stopped replica) is skipped for
 * the next one; when the request reached a target and its answer was lost, the client gets a 502
 * JSON error, as from a real balancer.
 */
export async function startRoundRobin(targetUrls: string[]): Promise<RoundRobin> {
  if (targetUrls.length === 0) throw new Error('startRoundRobin: no targets');
  const targets = targetUrls.map((url) => new URL(url));
  const counts = new Map(targetUrls.map((url) => [url, 0]));
  const agent = new Agent({ keepAlive: true });
  let next = 0;

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number) => {
    const target = targets[next % targets.length] as URL;
    next += 1;
    counts.set(target.origin, (counts.get(target.origin) ?? 0) + 1);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' && tries < targets.length) return forward(req, res, body, tries + 1);
      if (res.headersSent) return res.destroy();
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'Bad gateway', code: 'bad_gateway' }));
    });
    upstream.end(body);
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    forward(req, res, Buffer.concat(chunks), 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
