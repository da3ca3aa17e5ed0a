import net from 'node:net';
import { bearer, tempDatabaseUrl, waitFor } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// The order service's PostgreSQL connections pass through a TCP relay that the test can freeze: a
// stalled database (or a stalled network to it), as after a pause. Queries already sent hang and
// hold their connections; a request that needs another connection is answered 503 with
// Retry-After once it has waited DATABASE_WAIT_MS, never a 500, and nothing is half written.
interface Relay {
  port: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  let frozen = false;
  const stalled: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
        else stalled.push(() => to.write(chunk));
      });
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const send of stalled.splice(0)) send();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let relay: Relay;
let t: TestOrderApp;
const ADMIN = bearer('admin', 'root');

beforeAll(async () => {
  const url = new URL(tempDatabaseUrl('order-stall'));
  relay = await startRelay({ host: url.hostname, port: Number(url.port || 5432) });
  url.host = `127.0.0.1:${relay.port}`;
  t = await createTestOrderApp({ DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: '2', DATABASE_WAIT_MS: '1000' });
});
afterAll(async () => {
  relay?.thaw();
  await t?.deps.close();
  await relay?.close();
});

describe('a stalled database', () => {
  it('when every connection is stuck, then requests are answered 503 database_unavailable with Retry-After, and the service answers again once the database does', async () => {
    // Warm: the pool opens both its connections (a busy machine may take a while to open one).
    await waitFor(async () => {
      const answers = await Promise.all([1, 2].map(() => request(t.app).get('/api/orders/?limit=1').set('Authorization', ADMIN)));
      return answers.every((res) => res.status === 200);
    });
    relay.freeze();
    // Two reads take both connections and hang on them.
    const stuck = [1, 2].map(() =>
      request(t.app)
        .get('/api/orders/?limit=1')
        .set('Authorization', ADMIN)
        .then((res) => res.status),
    );

    const read = await request(t.app).get('/api/orders/?limit=1').set('Authorization', ADMIN);
    const placed = await request(t.app)
      .post('/api/orders/')
      .send({ customer_name: 'Stalled', product_ids: [1] });

    for (const res of [read, placed]) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toEqual({ error: 'The database is busy or unreachable; retry shortly', code: 'database_unavailable' });
    }
    relay.thaw();
    // Those that held a connection when it stalled: answered too, by the time their transaction could not start.
    for (const status of await Promise.all(stuck)) expect([200, 503]).toContain(status);
    await waitFor(async () => (await request(t.app).get('/api/orders/?limit=1').set('Authorization', ADMIN)).status === 200);
    // The order refused for want of a connection was never written.
    const list = await request(t.app).get('/api/orders/').set('Authorization', ADMIN).expect(200);
    expect(list.body.filter((order: { customer_name: string }) => order.customer_name === 'Stalled')).toEqual([]);
  }, 30_000);
});
