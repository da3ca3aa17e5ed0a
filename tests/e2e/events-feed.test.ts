import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { openEventStream, REPO_ROOT, type ServiceProcess, startServiceProcess, TEST_JWT_SECRET, waitFor } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventJson, expectInSequencePerOrder, feedEvents, startLoad } from './events-harness.js';
import { ADMIN, startTrio, type Trio } from './harness.js';

// The order events without a broker (no RABBITMQ_URL, as `npm start` runs): recorded with every
// change, paged through the feed, followed live over Server-Sent Events, also when the change is
// made through another order process on the same database; `npm run events` prints them.
let trio: Trio;
const others: ServiceProcess[] = [];
beforeAll(async () => {
  trio = await startTrio();
});
afterAll(async () => {
  await Promise.all(others.map((other) => other.stop()));
  await trio?.stop();
});

/** Another order process on the same database and neighbours, as a second replica. */
async function anotherOrderProcess(): Promise<ServiceProcess> {
  const other = await startServiceProcess('order', trio.orderEnv);
  others.push(other);
  return other;
}

describe('order events without a broker', () => {
  it('when orders are placed, cancelled and shipped under load, then the feed pages through every event once, each order in sequence', async () => {
    const lamp = await trio.createProduct({ price: '12.50', stock: 1000 });
    const reader: EventJson[] = [];
    let cursor: string | undefined;
    let reading = true;
    // A consumer polls with small pages while the orders are written.
    const consumer = (async () => {
      while (reading) {
        const page = await feedEvents(trio.order.url, { after: cursor, limit: 7 });
        reader.push(...page);
        cursor = page.at(-1)?.id ?? cursor;
      }
    })();
    const load = startLoad(trio.order.url, lamp.id, 4);
    await waitFor(() => load.statuses.length >= 30, 30_000);
    await load.stop();
    const orders = await trio.allOrders();
    for (const order of orders.filter((o) => o.status === 'PAID').slice(0, 5))
      await trio.cancelOrder(order.id, { reason: 'No longer needed' }, { auth: ADMIN });
    for (const order of orders.filter((o) => o.status === 'PAID').slice(5, 10))
      await trio.setOrderStatus(order.id, 'SHIPPED', { auth: ADMIN });
    reading = false;
    await consumer;
    // Every change of an order is one event: one per status history entry, and one for a refund.
    const final = await trio.allOrders();
    const expected = final.reduce((sum, order) => sum + order.status_history.length + (order.payment_status === 'REFUNDED' ? 1 : 0), 0);
    // On PostgreSQL the feed serves an event once every transaction older than it has ended, anywhere on
    // the server (its ordering guarantee), so the last ones may come a moment later: the consumer reads
    // on until it has been served every event of these orders.
    const all = await waitFor(async () => {
      for (let page = await feedEvents(trio.order.url, { after: cursor, limit: 7 }); page.length > 0; ) {
        reader.push(...page);
        cursor = page.at(-1)?.id ?? cursor;
        page = await feedEvents(trio.order.url, { after: cursor, limit: 7 });
      }
      const everything = await feedEvents(trio.order.url);
      return everything.length === expected && everything.length === reader.length && everything;
    }, 30_000);
    expect(reader.map((event) => event.id)).toEqual(all.map((event) => event.id));
    expect(new Set(all.map((event) => event.id)).size).toBe(all.length);
    expectInSequencePerOrder(all);
    for (const order of final) {
      const types = all.filter((event) => event.order_id === order.id).map((event) => event.type);
      expect(types[0]).toBe('order.created');
      if (order.status === 'PAID') expect(types).toEqual(['order.created', 'order.paid']);
      if (order.status === 'SHIPPED') expect(types).toEqual(['order.created', 'order.paid', 'order.shipped']);
      if (order.status === 'CANCELLED' && order.payment_status === 'REFUNDED') {
        expect(types).toEqual(['order.created', 'order.paid', 'order.cancelled', 'order.refunded']);
      }
    }
  }, 90_000);

  it('when an order changes through another order process, then a stream on this one shows it within a second', async () => {
    const other = await anotherOrderProcess();
    const desk = await trio.createProduct({ price: '80.00', stock: 5 });
    const placed = await trio.createOrder({ customer_name: 'Dee', items: [{ product_id: desk.id, quantity: 1 }] });
    const stream = await openEventStream(`${trio.order.url}/api/orders/${placed.body.id}/events/stream`);
    const state = await stream.next();
    expect(state).toMatchObject({ event: 'order.state', id: '2' });

    const started = Date.now();
    const shipped = await fetch(`${other.url}/api/orders/${placed.body.id}/status/`, {
      method: 'PATCH',
      headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'SHIPPED' }),
    });
    expect(shipped.status).toBe(200);
    const message = await stream.next(2000);

    expect(Date.now() - started).toBeLessThan(1000);
    expect(message).toMatchObject({ event: 'order.shipped', id: '3' });
    expect(JSON.parse(message.data ?? '{}')).toMatchObject({ type: 'order.shipped', sequence: 3, order: { status: 'SHIPPED' } });
    stream.close();
  });

  it('when a client reconnects with Last-Event-ID to another process, then it gets what it missed, without a gap', async () => {
    const other = await anotherOrderProcess();
    const chair = await trio.createProduct({ price: '40.00', stock: 5 });
    const placed = await trio.createOrder({ customer_name: 'Eve', items: [{ product_id: chair.id, quantity: 1 }] });
    const first = await openEventStream(`${trio.order.url}/api/orders/${placed.body.id}/events/stream`);
    const seen = (await first.next()).id;
    first.close();

    // Changes while the client is away.
    await trio.setOrderStatus(placed.body.id, 'SHIPPED', { auth: ADMIN });
    await trio.setOrderStatus(placed.body.id, 'DELIVERED', { auth: ADMIN });
    const resumed = await openEventStream(`${other.url}/api/orders/${placed.body.id}/events/stream`, { 'Last-Event-ID': seen ?? '' });

    const missed = [await resumed.next(), await resumed.next()];
    expect(missed.map((message) => [message.id, message.event])).toEqual([
      ['3', 'order.shipped'],
      ['4', 'order.delivered'],
    ]);
    resumed.close();
  });

  it('when `npm run events` follows the feed, then it prints each new event as a JSON line', async () => {
    const bench = await trio.createProduct({ price: '9.99', stock: 5 });
    const child = spawn(process.execPath, ['scripts/run.mjs', 'events', '--interval', '100', '--count', '2'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ORDER_URL: trio.order.url, JWT_SECRET: TEST_JWT_SECRET, ORDER_SYSTEM_NO_INSTALL: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: the launcher runs the script as a child of its own, and both must go.
      detached: true,
    });
    const killAll = () => {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const stderr: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let placed: Awaited<ReturnType<Trio['createOrder']>>;
    let code: unknown;
    try {
      await waitFor(() => stderr.some((line) => line.includes('order events from')), 20_000);
      // Only what happens from now on: the events of one new order.
      placed = await trio.createOrder({ customer_name: 'Fay', items: [{ product_id: bench.id, quantity: 1 }] });
      code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 20_000))]);
    } finally {
      killAll();
    }

    expect([code, stderr, lines]).toEqual([0, stderr, lines]);
    expect(lines.map((line) => JSON.parse(line) as EventJson).map((event) => [event.order_id, event.type])).toEqual([
      [placed.body.id, 'order.created'],
      [placed.body.id, 'order.paid'],
    ]);
  }, 60_000);

  it('when `npm run events` is asked for help or given a bad option, then it prints the usage and exits 2 without a stack trace', async () => {
    for (const args of [['--help'], ['--count', 'x'], ['--source', 'broker'], ['--nope']]) {
      const output: string[] = [];
      const child = spawn(process.execPath, ['scripts/run.mjs', 'events', ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', ORDER_SYSTEM_NO_INSTALL: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      const text = output.join('');
      expect([args, code]).toEqual([args, 2]);
      expect(text).toContain('Usage: npm run events');
      expect(text).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});
