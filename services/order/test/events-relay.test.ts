import {
  BoundQueue,
  bearer,
  brokerAnswers,
  lockBroker,
  type ReceivedMessage,
  startTcpGate,
  type TcpGate,
  TEST_RABBITMQ_URL,
  uniqueBrokerName,
  waitFor,
} from '@order-system/testing';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/domain/order.js';
import { OrderWriter } from './events-orders.js';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// The relay from the outbox to a real RabbitMQ (127.0.0.1:5672, guest/guest, or RABBITMQ_TEST_URL):
// the order app in process, its events published to an exchange of this test's own, read from a
// queue bound to it. A TCP gate in front of the broker stands for a broker that goes away.
const broker = await brokerAnswers();
if (!broker) console.warn(`RabbitMQ suites skipped: no broker answers at ${TEST_RABBITMQ_URL} (set RABBITMQ_TEST_URL)`);

let release: (() => void) | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  if (broker) release = await lockBroker('shared');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  release?.();
});

interface Relayed {
  app: TestOrderApp;
  write: OrderWriter;
  queue: BoundQueue;
}

/** An order app that publishes to a new exchange through `url`, and a queue bound to that exchange. */
async function relayed(url = TEST_RABBITMQ_URL): Promise<Relayed> {
  const exchange = uniqueBrokerName('test-order-events');
  const queue = await BoundQueue.open(exchange);
  cleanups.push(() => queue.close());
  const app = await createTestOrderApp({ RABBITMQ_URL: url, ORDER_EVENTS_EXCHANGE: exchange });
  cleanups.push(() => app.deps.close());
  app.deps.start();
  return { app, write: new OrderWriter(app.deps.prisma), queue };
}

async function gate(): Promise<TcpGate> {
  const opened = await startTcpGate();
  cleanups.push(() => opened.stop());
  return opened;
}

async function allEvents(app: TestOrderApp): Promise<{ id: string; order_id: string; sequence: number; type: string }[]> {
  const res = await request(app.app).get('/api/orders/events/?limit=100').set('Authorization', bearer('admin'));
  return res.body as { id: string; order_id: string; sequence: number; type: string }[];
}

async function unpublished(app: TestOrderApp): Promise<number> {
  const rows = await app.deps.prisma.$queryRaw<{ n: number }[]>`
    SELECT CAST(COUNT(*) AS INTEGER) AS "n" FROM "order_events" WHERE "published_at" IS NULL`;
  return Number(rows[0]?.n);
}

/** Each order's sequences as first delivered (duplicates dropped): 1, 2, 3, ... with no gap. */
function expectInSequencePerOrder(messages: ReceivedMessage[]): void {
  const byOrder = new Map<string, number[]>();
  for (const message of messages) {
    const orderId = String(message.body.order_id);
    byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), Number(message.body.sequence)]);
  }
  for (const [orderId, sequences] of byOrder) expect([orderId, sequences]).toEqual([orderId, sequences.map((_, i) => i + 1)]);
}

describe.skipIf(!broker)('the relay to RabbitMQ', () => {
  it('when orders change, then every event reaches a bound queue as a persistent message with its id, type and JSON, and is marked published', async () => {
    const { app, write, queue } = await relayed();
    const orders: Order[] = [];
    for (let i = 0; i < 3; i++) orders.push(await write.deliver(await write.ship(await write.paid())));

    await waitFor(() => queue.messages.length >= 12, 10_000);

    const events = (await allEvents(app)).filter((event) => orders.some((order) => order.id === event.order_id));
    expect(events).toHaveLength(12);
    expect(queue.firstDeliveries().map((message) => message.messageId)).toEqual(expect.arrayContaining(events.map((event) => event.id)));
    for (const message of queue.messages) {
      const event = events.find((e) => e.id === message.messageId);
      expect(message).toMatchObject({ routingKey: event?.type, type: event?.type, persistent: true, contentType: 'application/json' });
      expect(message.body).toEqual(event);
    }
    expectInSequencePerOrder(queue.firstDeliveries());
    await waitFor(async () => (await unpublished(app)) === 0, 5000);
    const metrics = await request(app.app).get('/metrics');
    expect(metrics.text).toMatch(/^order_events_backlog 0$/m);
    expect(Number(/^order_events_published_total\{outcome="confirmed"\} (\d+)$/m.exec(metrics.text)?.[1])).toBeGreaterThanOrEqual(12);
  });

  it('when the broker cannot be reached, then orders are still recorded, their events wait, and go out in order once it is back', async () => {
    const door = await gate();
    door.close();
    const { app, write, queue } = await relayed(door.url);

    const orders = await Promise.all(Array.from({ length: 5 }, () => write.paid()));
    await Promise.all(orders.map((order) => write.ship(order)));

    expect(await unpublished(app)).toBe(15);
    const metrics = await request(app.app).get('/metrics');
    expect(metrics.text).toMatch(/^order_events_backlog 15$/m);
    expect(queue.messages).toHaveLength(0);

    door.open();
    await waitFor(() => queue.firstDeliveries().length >= 15, 15_000);
    expectInSequencePerOrder(queue.firstDeliveries());
    await waitFor(async () => (await unpublished(app)) === 0, 5000);
  }, 30_000);

  it('when the connection to the broker is cut while it publishes, then no event is lost and none overtakes an earlier one of its order', async () => {
    const door = await gate();
    const { app, write, queue } = await relayed(door.url);
    let writing = true;
    const writers = [1, 2, 3].map(async () => {
      const written: Order[] = [];
      while (writing) {
        written.push(await write.ship(await write.paid()));
        // SQLite answers without leaving the microtask queue: let timers and sockets run.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return written;
    });

    for (let cut = 0; cut < 3; cut++) {
      await waitFor(() => queue.messages.length > (cut + 1) * 10, 15_000);
      door.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      door.open();
    }
    writing = false;
    const orders = (await Promise.all(writers)).flat();

    await waitFor(async () => (await unpublished(app)) === 0, 20_000);
    await waitFor(() => queue.firstDeliveries().length >= orders.length * 3, 10_000);
    // On PostgreSQL the feed serves an event once every transaction older than it has ended, on the
    // whole server (other test files' too): it may lag behind the relay for a moment, never reorder.
    const events = await waitFor(async () => {
      const served = await allEventsOf(app, orders);
      return served.length >= orders.length * 3 && served;
    }, 20_000);
    const ids = new Set(events.map((event) => event.id));
    expect(new Set(queue.firstDeliveries().map((message) => message.messageId))).toEqual(ids);
    expectInSequencePerOrder(queue.firstDeliveries());
  }, 60_000);
});

/** The events of these orders, through every page of the feed. */
async function allEventsOf(app: TestOrderApp, orders: Order[]): Promise<{ id: string; order_id: string }[]> {
  const ids = new Set(orders.map((order) => order.id));
  const events: { id: string; order_id: string }[] = [];
  let after = '';
  for (;;) {
    const res = await request(app.app)
      .get(`/api/orders/events/?limit=100${after ? `&after=${after}` : ''}`)
      .set('Authorization', bearer('admin'));
    const page = res.body as { id: string; order_id: string }[];
    if (page.length === 0) return events.filter((event) => ids.has(event.order_id));
    events.push(...page);
    after = page.at(-1)?.id ?? after;
  }
}
