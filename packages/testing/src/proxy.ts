import { once } from 'node:events';
import net from 'node:net';

/**
 * What the proxy does to a request it matches:
 * - pass: forward it and the answer.
 * - delay: hold the request `ms` before forwarding it (a slow network or a slow service).
 * - reset: reset the client's connection before anything reaches the target (the client cannot tell
 *   whether the request arrived).
 * - drop-response: forward the request, then reset the client's connection instead of passing the
 *   answer (the target acted; the client never learns it).
 * - hang: accept the request and never answer nor forward it (the client times out).
 * - late: hold the request `until` that many ms have passed, or until that promise settles (the test
 *   decides when), then deliver it to the target even if the client has given up meanwhile: a request
 *   stuck in the network that still arrives. Its answer reaches the client if the client still waits.
 *   (`delay` instead drops the request when the client goes away first.)
 * - lose: hold the request until that promise settles, then reset the client's connection without
 *   ever delivering it: a request lost in the network, which the client learns of only then.
 * - hold-response: forward the request at once, and hold its answer until that promise settles (the
 *   target acted; the client learns it only when the test decides).
 */
export type ProxyFault =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'drop-response' }
  | { kind: 'hang' }
  | { kind: 'late'; until: number | Promise<unknown> }
  | { kind: 'lose'; until: Promise<unknown> }
  | { kind: 'hold-response'; until: Promise<unknown> };

export interface ProxyRule {
  /** HTTP method to match, e.g. 'POST'; any when omitted. */
  method?: string;
  /** Matches the request path (a prefix when a string); any when omitted. */
  path?: string | RegExp;
  fault: ProxyFault;
  /** Apply to this many matching requests, then pass; forever when omitted. */
  times?: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  fault: ProxyFault['kind'];
  /** True once the request's bytes were passed on to the target (after the hold, for delay and late). */
  forwarded: boolean;
}

export interface TcpProxy {
  url: string;
  port: number;
  /** Every request seen, in arrival order, with what was done to it. */
  requests: ProxiedRequest[];
  /** Replaces the rules; the first matching rule applies. No rules: everything passes. */
  setRules(rules: ProxyRule[]): void;
  /** Closes every open connection (both sides) and stops listening. */
  close(): Promise<void>;
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/;
const noop = () => undefined;

/**
 * A TCP proxy on 127.0.0.1 in front of one HTTP service, for fault tests. It reads the request
 * line at the start of each chunk a client sends (HTTP/1.1 without pipelining: every request
 * starts a chunk) and applies the first matching rule to that request. Everything else is
 * forwarded byte for byte, in both directions.
 */
export async function startProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port);
  let rules: (ProxyRule & { used: number })[] = [];
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<net.Socket>();

  const choose = (method: string, path: string): ProxyFault => {
    for (const rule of rules) {
      if (rule.method && rule.method !== method) continue;
      if (rule.path instanceof RegExp ? !rule.path.test(path) : rule.path !== undefined && !path.startsWith(rule.path)) continue;
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      rule.used += 1;
      return rule.fault;
    }
    return { kind: 'pass' };
  };

  const server = net.createServer((client) => {
    const upstream = net.connect({ host: target.hostname, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    let dropResponse = false;
    let hung = false;
    // A late request came on this connection: the target side outlives the client, so that the
    // request still arrives (and is answered to nobody) after the client has given up.
    let carriesLate = false;
    // Answers go to the client in order, each after the hold of its request's answer, if any.
    let answers = Promise.resolve();
    let current: ProxiedRequest | undefined;
    // Chunks go upstream in order, each after the previous one's delay.
    let queue = Promise.resolve();

    const clientGone = () => {
      if (!carriesLate) upstream.destroy();
    };
    const resetClient = () => {
      client.resetAndDestroy();
      upstream.destroy();
    };

    client.on('data', (chunk: Buffer) => {
      const line = REQUEST_LINE.exec(chunk.toString('latin1', 0, Math.min(chunk.length, 2048)));
      if (line) {
        const [, method = '', path = ''] = line;
        const fault = choose(method, path);
        current = { method, path, fault: fault.kind, forwarded: false };
        requests.push(current);
        hung = fault.kind === 'hang' || fault.kind === 'lose';
        if (fault.kind === 'lose') fault.until.then(resetClient, resetClient);
        if (fault.kind === 'reset') {
          resetClient();
          return;
        }
        if (fault.kind === 'drop-response') dropResponse = true;
        if (fault.kind === 'delay') {
          const wait = fault.ms;
          queue = queue.then(() => new Promise((resolve) => setTimeout(resolve, wait)));
        }
        if (fault.kind === 'hold-response') {
          const until = fault.until;
          answers = answers.then(() => until.then(noop, noop));
        }
        if (fault.kind === 'late') {
          const until = fault.until;
          carriesLate = true;
          queue = queue.then(() =>
            typeof until === 'number' ? new Promise((resolve) => setTimeout(resolve, until)) : until.then(noop, noop),
          );
        }
      }
      if (hung) return;
      const request = current;
      queue = queue.then(() => {
        if (upstream.destroyed) return;
        upstream.write(chunk);
        if (request) request.forwarded = true;
      });
    });
    upstream.on('data', (chunk: Buffer) => {
      // A late request whose client gave up: the target acted on it; its answer has nowhere to go.
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      if (dropResponse) {
        resetClient();
        return;
      }
      answers = answers.then(() => {
        if (!client.destroyed) client.write(chunk);
      });
    });
    // The client's end is not passed on while a late request may still have to arrive: the target
    // would take it for an aborted request.
    client.on('end', () => {
      if (!carriesLate) upstream.end();
    });
    upstream.on('end', () => {
      answers = answers.then(() => {
        client.end();
      });
    });
    client.on('error', () => {
      client.destroy();
      clientGone();
    });
    upstream.on('error', () => (client.destroyed ? undefined : client.resetAndDestroy()));
    client.on('close', () => {
      sockets.delete(client);
      clientGone();
    });
    upstream.on('close', () => sockets.delete(upstream));
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setRules(next) {
      rules = next.map((rule) => ({ ...rule, used: 0 }));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
