import { databaseFileFromUrl, databaseKind } from '@order-system/platform';
import {
  BoundQueue,
  brokerAnswers,
  canControlBroker,
  lockBroker,
  rabbitmqctl,
  startTcpGate,
  type TcpGate,
  TEST_RABBITMQ_URL,
  uniqueBrokerName,
  waitFor,
} from '@order-system/testing';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventJson, expectInSequencePerOrder, feedEvents, firstDeliveredEvents, startLoad } from './events-harness.js';
import { startTrio, type Trio, type TrioOptions } from './harness.js';

// The order service with a real RabbitMQ (127.0.0.1:5672, guest/guest, or RABBITMQ_TEST_URL): its
// relay publishes every event, through a TCP gate (a broker that can be made to go away) to an
// exchange of this file's own, read from a durable queue bound to it. The broker itself is
// stopped and started (rabbitmqctl stop_app / start_app) under an exclusive lock, so that the
// other test files that use it never lose it mid-test; it is always started again.
const broker = await brokerAnswers();
const control = broker && (await canControlBroker());
if (!broker) console.warn(`RabbitMQ suites skipped: no broker answers at ${TEST_RABBITMQ_URL} (set RABBITMQ_TEST_URL)`);
else if (!control) console.warn('The broker stop/start test is skipped: rabbitmqctl cannot manage the local broker here');

let trio: Trio;
let gate: TcpGate;
let queue: BoundQueue;
let releaseShared: (() => void) | undefined;

beforeAll(async () => {
  if (!broker) return;
  const exchange = uniqueBrokerName('test-order-events');
  queue = await BoundQueue.open(exchange);
  gate = await startTcpGate();
  // Processes of their own: the order service is killed (-9) here, and its log is read.
  const options: TrioOptions & { processes?: boolean } = {
    processes: true,
    orderEnv: { RABBITMQ_URL: gate.url, ORDER_EVENTS_EXCHANGE: exchange, ORDER_EVENTS_RELAY_LEASE_MS: '2000' },
  };
  trio = await startTrio(options);
});
beforeEach(async () => {
  if (broker) releaseShared = await lockBroker('shared');
});
afterEach(() => {
  gate?.open();
  releaseShared?.();
  releaseShared = undefined;
});
afterAll(async () => {
  await trio?.stop();
  await gate?.stop();
  await queue?.close();
});

/** The events of these orders on the feed, in the order it serves them. */
async function eventsOf(orderIds: string[]): Promise<EventJson[]> {
  return (await feedEvents(trio.order.url)).filter((event) => orderIds.includes(event.order_id));
}

async function placeOrders(count: number): Promise<string[]> {
  const product = await trio.createProduct({ price: '5.00', stock: 100 });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await trio.createOrder({ customer_name: 'Gus', items: [{ product_id: product.id, quantity: 1 }] });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}

function received(id: string): number {
  return queue.messages.filter((message) => message.messageId === id).length;
}

describe.skipIf(!broker)('order events through RabbitMQ', () => {
  it.skipIf(!control)(
    'when the broker is stopped and started under load, then orders keep being paid and every event arrives, in order per order',
    async () => {
      releaseShared?.();
      releaseShared = undefined;
      const release = await lockBroker('exclusive');
      const product = await trio.createProduct({ price: '3.00', stock: 100_000 });
      const warnings = () =>
        trio.logsWith(
          'order',
          'event relay: the broker cannot be reached or did not confirm; events wait in the outbox, retried with a backoff',
        );
      const warningsBefore = warnings().length;
      const load = startLoad(trio.order.url, product.id, 4);
      let during: number[] = [];
      try {
        await waitFor(() => queue.messages.length >= 20, 30_000);
        await rabbitmqctl('stop_app');
        const from = load.statuses.length;
        await waitFor(() => load.statuses.length >= from + 40, 60_000);
        during = load.statuses.slice(from);
      } finally {
        await rabbitmqctl('start_app');
        release();
      }
      const after = load.statuses.length;
      await waitFor(() => load.statuses.length >= after + 20, 30_000);
      await load.stop();

      // Orders kept flowing while the broker was down.
      expect(during.length).toBeGreaterThanOrEqual(40);
      expect(new Set(during)).toEqual(new Set([201]));
      // Every event recorded arrives, none invented, each order's in sequence.
      // (On PostgreSQL the feed serves an event once every older transaction on the server has ended:
      // it is read until it holds every event delivered so far.)
      const ids = await waitFor(async () => {
        const served = new Set((await feedEvents(trio.order.url)).map((event) => event.id));
        return queue.firstDeliveries().every((message) => served.has(message.messageId ?? '')) && served;
      }, 30_000);
      await waitFor(() => queue.firstDeliveries().filter((message) => ids.has(message.messageId ?? '')).length === ids.size, 60_000);
      const delivered = firstDeliveredEvents(queue.messages);
      expect(delivered.every((event) => ids.has(event.id))).toBe(true);
      expectInSequencePerOrder(delivered);
      // Said once for the outage, and once when it was over.
      expect(warnings().length - warningsBefore).toBe(1);
      expect(trio.logsWith('order', 'event relay: publishing again').length).toBeGreaterThanOrEqual(1);
      console.info(
        `broker outage: ${load.statuses.length} orders (${during.length} answered while the broker was down, all 201), ` +
          `${ids.size} events recorded, ${delivered.length} delivered, ${queue.messages.length - queue.firstDeliveries().length} duplicate deliveries`,
      );
    },
    240_000,
  );

  it('when the order service is killed (-9) after its events committed and before they were published, then they are published after the restart, with the same ids', async () => {
    gate.close();
    const orders = await placeOrders(2);
    const events = await eventsOf(orders);
    expect(events.map((event) => event.type)).toEqual(['order.created', 'order.paid', 'order.created', 'order.paid']);
    expect(events.every((event) => received(event.id) === 0)).toBe(true);

    await trio.order.kill();
    gate.open();
    await trio.restartOrder();

    await waitFor(() => events.every((event) => received(event.id) >= 1), 30_000);
    for (const event of events) {
      const message = queue.messages.find((m) => m.messageId === event.id);
      expect(message?.body).toEqual(event);
    }
  }, 90_000);

  it('when the relay is killed after the broker confirmed its events and before it marked them, then they are published again with the same ids, never lost', async () => {
    gate.close();
    const orders = await placeOrders(2);
    const events = await eventsOf(orders);
    const unlock = await lockOutboxWrites(trio.orderEnv.DATABASE_URL as string, orders);
    // The relay sends an order's next event only once the one before it is marked: the first ones go out now.
    const firsts = events.filter((event) => event.sequence === 1);

    try {
      gate.open();
      // Published and confirmed; the mark waits behind the lock.
      await waitFor(() => firsts.every((event) => received(event.id) >= 1), 30_000);
      expect(await unlock.unpublished()).toBe(events.length);
      await trio.order.kill();
    } finally {
      await unlock.release();
    }
    const before = new Map(firsts.map((event) => [event.id, received(event.id)]));
    await trio.restartOrder();

    // Published again (the same ids), and then the rest of each order's events.
    await waitFor(() => firsts.every((event) => received(event.id) > (before.get(event.id) ?? 0)), 30_000);
    await waitFor(() => events.every((event) => received(event.id) >= 1), 30_000);
    for (const event of events) {
      for (const copy of queue.messages.filter((message) => message.messageId === event.id)) expect(copy.body).toEqual(event);
    }
    expectInSequencePerOrder(firstDeliveredEvents(queue.messages).filter((event) => orders.includes(event.order_id)));
  }, 90_000);
});

/**
 * Holds a lock that lets the outbox be read but not written (the relay's mark waits behind it), as
 * a database that stalls right after the broker confirmed. `unpublished` counts the events of the
 * given orders not yet marked; `release` lets go (on PostgreSQL it first ends the killed process's sessions, which
 * the server would otherwise still run to their end).
 */
async function lockOutboxWrites(
  url: string,
  orderIds: string[],
): Promise<{ unpublished: () => Promise<number>; release: () => Promise<void> }> {
  if (databaseKind(url) === 'sqlite') {
    const db = new Database(databaseFileFromUrl(url));
    db.exec('BEGIN IMMEDIATE');
    return {
      unpublished: async () =>
        (
          db
            .prepare(
              `SELECT COUNT(*) AS n FROM "order_events" WHERE "published_at" IS NULL AND "order_id" IN (${orderIds.map(() => '?').join(',')})`,
            )
            .get(...orderIds) as { n: number }
        ).n,
      release: async () => {
        db.exec('ROLLBACK');
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE "order_events" IN SHARE MODE');
  return {
    unpublished: async () =>
      Number(
        (await client.query('SELECT COUNT(*) AS n FROM "order_events" WHERE "published_at" IS NULL AND "order_id" = ANY($1)', [orderIds]))
          .rows[0].n,
      ),
    release: async () => {
      await client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
      );
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}
