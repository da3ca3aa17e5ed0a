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
 * keep-alive upstreams). A request that cannot have reached its target (the connection was
 * refused, or a kept-alive connection turned out dead) goes to the next target, and so does a GET
 * whose target failed; otherwise, when the request may have reached a target and its answer was
 * lost, the client gets a 502 JSON error, as from a real balancer.
 */
export async function startRoundRobin(targetUrls: string[]): Promise<RoundRobin> {
  if (targetUrls.length === 0) throw new Error('startRoundRobin: no targets');
  const targets = targetUrls.map((url) => new URL(url));
  const counts = new Map(targetUrls.map((url) => [url, 0]));
  const agent = new Agent({ keepAlive: true });
  let next = 0;

  // A retry goes to the target after the one that failed, whatever other requests took meanwhile.
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number, index = next++) => {
    const target = targets[index % targets.length] as URL;
    counts.set(target.origin, (counts.get(target.origin) ?? 0) + 1);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      const neverArrived = err.code === 'ECONNREFUSED' || (err.code === 'ECONNRESET' && upstream.reusedSocket);
      const safe = req.method === 'GET' || req.method === 'HEAD';
      if ((neverArrived || safe) && !res.headersSent && tries < targets.length) return forward(req, res, body, tries + 1, index + 1);
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
  // As the services themselves (serve.ts): an idle kept-alive connection stays open a while, so that a
  // request held in a fault proxy on such a connection still finds it open when it is let through.
  server.keepAliveTimeout = 65_000;
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
