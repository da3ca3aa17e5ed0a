import { randomUUID } from 'node:crypto';
import { BoundQueue, brokerAnswers, lockBroker, TEST_RABBITMQ_URL, uniqueBrokerName, waitFor } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectInSequencePerOrder, feedEvents, firstDeliveredEvents, startLoad } from './events-harness.js';
import { type Fleet, startFleet } from './fleet.js';
import { ADMIN, call } from './harness.js';

// Two order replicas on one PostgreSQL database, both with a relay to the same RabbitMQ exchange:
// one relay publishes at a time (the lease row), and when its replica dies the other takes over.
// Every order's events arrive in sequence order, none lost, none invented, whichever replica made
// the change.
const broker = await brokerAnswers();
if (!broker) console.warn(`RabbitMQ suites skipped: no broker answers at ${TEST_RABBITMQ_URL} (set RABBITMQ_TEST_URL)`);
const RELAY_LEASE_MS = 2000;
let fleet: Fleet;
let queue: BoundQueue;
let release: (() => void) | undefined;

beforeAll(async () => {
  if (!broker) return;
  release = await lockBroker('shared');
  const exchange = uniqueBrokerName('test-order-events');
  queue = await BoundQueue.open(exchange);
  fleet = await startFleet({
    RABBITMQ_URL: TEST_RABBITMQ_URL,
    ORDER_EVENTS_EXCHANGE: exchange,
    ORDER_EVENTS_RELAY_LEASE_MS: String(RELAY_LEASE_MS),
    RETRY_BASE_DELAY_MS: '20',
    // The orders the killed replica was placing are finished by the other one soon after.
    ORDER_LEASE_TTL_MS: '3000',
    RECOVERY_INTERVAL_MS: '200',
    RECOVERY_GRACE_MS: '500',
  });
}, 120_000);
afterAll(async () => {
  await fleet?.stop();
  await queue?.close();
  release?.();
});

async function createProduct(stock: number): Promise<number> {
  const res = await call(
    'POST',
    `${fleet.balancers.product.url}/api/products/`,
    { name: `P${randomUUID().slice(0, 6)}`, price: '4.00', stock },
    { auth: ADMIN },
  );
  if (res.status !== 201) throw new Error(`creating a product failed: ${res.status}`);
  return (res.body as { id: number }).id;
}

const relayLines = (index: number) =>
  fleet.orders[index]?.logs.filter((line) => line.msg === 'event relay: this replica publishes the order events') ?? [];

describe.skipIf(!broker)('order events with two order replicas on PostgreSQL', () => {
  it('when both replicas change orders, and the publishing one dies, then every order’s events arrive in sequence, none lost or invented', async () => {
    const product = await createProduct(100_000);
    const order = fleet.balancers.order.url;
    const load = startLoad(order, product, 6);
    await waitFor(() => load.statuses.length >= 40, 60_000);
    // Changes of another kind, through both replicas: cancellations (with refunds) and shipments.
    const { rows } = await fleet.databases.order.query("SELECT id FROM orders WHERE status = 'PAID' ORDER BY created_at LIMIT 20");
    await Promise.all(
      rows.map((row: { id: string }, i: number) =>
        i % 2 === 0
          ? call('POST', `${order}/api/orders/${row.id}/cancel/`, { reason: 'Changed plans' }, { auth: ADMIN })
          : call('PATCH', `${order}/api/orders/${row.id}/status/`, { status: 'SHIPPED' }, { auth: ADMIN }),
      ),
    );
    // One relay publishes; kill its replica (the balancer then sends everything to the other).
    const publisher = await waitFor(() => [0, 1].find((index) => relayLines(index).length > 0), 20_000);
    expect([0, 1].filter((index) => relayLines(index).length > 0)).toEqual([publisher]);
    const received = queue.messages.length;
    await fleet.orders[publisher]?.kill();
    const more = load.statuses.length;
    await waitFor(() => load.statuses.length >= more + 40, 60_000);
    await load.stop();
    const survivor = 1 - publisher;
    await waitFor(() => relayLines(survivor).length > 0, 20_000);
    // The orders the killed replica left PENDING are decided by the survivor: their events too.
    await waitFor(
      async () => (await fleet.databases.order.query("SELECT count(*)::int AS n FROM orders WHERE status = 'PENDING'")).rows[0].n === 0,
      60_000,
    );

    // The feed serves an event once every older transaction on the server has ended: it is read until
    // it holds every event delivered so far.
    const all = await waitFor(async () => {
      const served = await feedEvents(fleet.orders[survivor]!.url);
      const servedIds = new Set(served.map((event) => event.id));
      return firstDeliveredEvents(queue.messages).every((event) => servedIds.has(event.id)) && served;
    }, 30_000);
    const ids = new Set(all.map((event) => event.id));
    await waitFor(() => new Set(queue.messages.map((message) => message.messageId)).size >= ids.size, 60_000);
    const delivered = firstDeliveredEvents(queue.messages);
    // None lost, none invented.
    expect(new Set(delivered.map((event) => event.id))).toEqual(ids);
    // Each order's events in sequence, whichever replica wrote and whichever published them.
    expectInSequencePerOrder(delivered);
    expect(all.some((event) => event.type === 'order.refunded')).toBe(true);
    expect(all.some((event) => event.type === 'order.shipped')).toBe(true);
    expect(queue.messages.length).toBeGreaterThan(received);
    await waitFor(
      async () =>
        (await fleet.databases.order.query('SELECT count(*)::int AS n FROM order_events WHERE published_at IS NULL')).rows[0].n === 0,
      20_000,
    );
    console.info(
      `two replicas: ${all.length} events of ${new Set(all.map((event) => event.order_id)).size} orders, ${queue.messages.length - delivered.length} duplicate deliveries`,
    );
  }, 240_000);
});
