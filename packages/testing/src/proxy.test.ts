import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type TcpProxy } from './proxy.js';
import { waitFor } from './wait-for.js';

// The proxy in front of a plain HTTP server that records every request it receives, with its body.
let server: Server;
let proxy: TcpProxy;
const received: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ method: req.method ?? '', url: req.url ?? '', body });
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ seen: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy = await startProxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterEach(() => proxy.setRules([]));
afterAll(async () => {
  await proxy.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const post = (path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${proxy.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal });

describe('the late fault: a request stuck in the network that still arrives', () => {
  it('when the client gives up before the request is let through, then it still reaches the target, body and all', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    proxy.setRules([{ method: 'POST', path: '/late-1', fault: { kind: 'late', until: held } }]);

    // The client gives up once the proxy holds its request (not after a fixed time, which a busy machine may outlast).
    const giveUp = new AbortController();
    const sent = post('/late-1', { n: 1 }, giveUp.signal);
    const request = await waitFor(() => proxy.requests.find((r) => r.path === '/late-1'));
    giveUp.abort();
    await expect(sent).rejects.toThrow();
    expect(request).toMatchObject({ method: 'POST', fault: 'late', forwarded: false });
    expect(received.some((r) => r.url === '/late-1')).toBe(false);

    release();

    await waitFor(() => received.some((r) => r.url === '/late-1'));
    expect(received.find((r) => r.url === '/late-1')).toEqual({ method: 'POST', url: '/late-1', body: '{"n":1}' });
    expect(request?.forwarded).toBe(true);
  });

  it('when the client still waits, then it gets the answer once the request was let through after the given time', async () => {
    proxy.setRules([{ path: '/late-2', fault: { kind: 'late', until: 150 } }]);
    const started = Date.now();

    const res = await post('/late-2', { n: 2 });

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ seen: '/late-2' });
    // Timers may fire a millisecond early.
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(proxy.requests.find((r) => r.path === '/late-2')).toMatchObject({ fault: 'late', forwarded: true });
  });

  it('when a rule has run its times, then the next matching request passes at once', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    proxy.setRules([{ path: '/late-3', fault: { kind: 'late', until: held }, times: 1 }]);

    const first = post('/late-3', { n: 3 });
    await waitFor(() => proxy.requests.some((r) => r.path === '/late-3'));
    const second = await post('/late-3', { n: 4 });
    release();

    expect(second.status).toBe(200);
    expect((await first).status).toBe(200);
    expect(proxy.requests.filter((r) => r.path === '/late-3').map((r) => r.fault)).toEqual(['late', 'pass']);
  });
});

describe('the hold-response fault: the target acts, the client learns it later', () => {
  it('when the answer is held, then the request reaches the target at once and the client gets the answer only once released', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    proxy.setRules([{ method: 'POST', path: '/held-1', fault: { kind: 'hold-response', until: held } }]);
    let answered = false;

    const sent = post('/held-1', { n: 5 }).then((res) => {
      answered = true;
      return res;
    });
    await waitFor(() => received.some((r) => r.url === '/held-1'));
    // The target has answered; the answer waits at the proxy.
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    release();

    const res = await sent;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ seen: '/held-1' });
    expect(proxy.requests.find((r) => r.path === '/held-1')).toMatchObject({ fault: 'hold-response', forwarded: true });
  });
});

describe('the lose fault: a request lost in the network', () => {
  it('when the request is lost, then it never reaches the target and the client sees its connection reset once released', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    proxy.setRules([{ method: 'POST', path: '/lost-1', fault: { kind: 'lose', until: held } }]);

    const sent = post('/lost-1', { n: 6 });
    const request = await waitFor(() => proxy.requests.find((r) => r.path === '/lost-1'));
    release();

    await expect(sent).rejects.toThrow();
    expect(request).toMatchObject({ fault: 'lose', forwarded: false });
    expect(received.some((r) => r.url === '/lost-1')).toBe(false);
  });
});
