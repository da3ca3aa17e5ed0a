import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventJsonText, type StoredOrderEvent } from '../src/events/order-event.js';
import { insertOrderEvent, type OrderEventsRepository } from '../src/events/order-events.repository.js';
import { Prisma } from '../src/generated/prisma/client.js';
import { OrderCompensation } from '../src/orders/compensation/order-compensation.js';
import type { Order } from '../src/orders/domain/order.js';
import { moves } from '../src/orders/domain/order-state.js';
import { toOrderJson } from '../src/orders/http/order-json.js';
import { CancelOrder } from '../src/orders/lifecycle/cancel-order.js';
import { ReadOrders } from '../src/orders/lifecycle/read-orders.js';
import { UpdateFulfilment } from '../src/orders/lifecycle/update-fulfilment.js';
import { eventsRepository } from './events-orders.js';
import { payment } from './fake-upstreams.js';
import { ctx, startWorkers, type Workers } from './order-workers.js';

// The transactional outbox: every change of an order that a consumer can see writes exactly one
// event, in the transaction of the change, with the order as GET returns it right after; a change
// that does not commit writes none. Over a real order database (SQLite, or PostgreSQL in that
// project), with small fakes of the product and payment ports.
let w: Workers;
let events: OrderEventsRepository;
let cancel: CancelOrder;
let fulfil: UpdateFulfilment;
const ADMIN = { sub: 'admin-1', role: 'admin' as const, exp: Math.floor(Date.now() / 1000) + 3600 };

beforeAll(async () => {
  w = await startWorkers();
  events = await eventsRepository(w.prisma);
  const read = new ReadOrders(w.orders);
  cancel = new CancelOrder(w.orders, w.leases, new OrderCompensation(w.orders, w.products, w.payments), read);
  fulfil = new UpdateFulfilment(w.orders, read);
});
afterAll(() => w?.close());

beforeEach(() => {
  w.payments.onCharge = async (orderId, cents) => payment(orderId, cents, 'COMPLETED');
  w.payments.onRefund = async (orderId) => ({ kind: 'refunded', payment: payment(orderId, 1000, 'REFUNDED') });
});

/** Every event of the order, in sequence order. */
async function eventsOf(orderId: string): Promise<StoredOrderEvent[]> {
  return events.after(new Map([[orderId, 0]]));
}

function parsed(event: StoredOrderEvent): Record<string, unknown> {
  return JSON.parse(eventJsonText(event)) as Record<string, unknown>;
}

async function placePaid(): Promise<Order> {
  const placement = await w.place.place({ customerName: 'Ann', userId: null, lines: [{ productId: 1, quantity: 2 }] }, ctx());
  if (placement.kind !== 'paid') throw new Error(`not paid: ${placement.kind}`);
  return placement.order;
}

/**
 * The order as GET returns it, but for `updated_at`: bookkeeping after a change (the stock given
 * back) makes no event and moves only that.
 */
async function currentJsonSaveUpdatedAt(orderId: string): Promise<Record<string, unknown>> {
  const { updated_at: _, ...rest } = toOrderJson(await current(orderId));
  return rest;
}

async function current(orderId: string): Promise<Order> {
  const order = await w.orders.findById(orderId);
  if (!order) throw new Error('order not found');
  return order;
}

describe('order events in the outbox', () => {
  it('when an order is placed and paid, then order.created (PENDING, unpriced) and order.paid (as GET returns it) are recorded', async () => {
    const order = await placePaid();

    const recorded = await eventsOf(order.id);

    expect(recorded.map((e) => [e.type, e.sequence])).toEqual([
      ['order.created', 1],
      ['order.paid', 2],
    ]);
    const [created = {}, paid = {}] = recorded.map(parsed);
    expect(created).toMatchObject({ id: recorded[0]?.id, type: 'order.created', order_id: order.id, sequence: 1 });
    expect(created.order).toMatchObject({
      status: 'PENDING',
      total_amount: null,
      payment_status: null,
      items: [{ product_id: 1, name: null, unit_price: null, quantity: 2, line_total: null }],
    });
    // The paid order is the workflow's last write: its event shows it exactly as GET does.
    expect(paid.order).toEqual(toOrderJson(await current(order.id)));
    expect(paid.occurred_at).toBe((paid.order as { updated_at: string }).updated_at);
    expect(paid).not.toHaveProperty('code');
  });

  it('when a payment is declined, then order.cancelled carries the reason and its code', async () => {
    w.payments.onCharge = async (orderId, cents) => payment(orderId, cents, 'FAILED');
    const placement = await w.place.place({ customerName: 'Bo', userId: null, lines: [{ productId: 2, quantity: 1 }] }, ctx());

    const recorded = await eventsOf(placement.order?.id ?? '');

    expect(recorded.map((e) => e.type)).toEqual(['order.created', 'order.cancelled']);
    const cancelled = parsed(recorded[1] as StoredOrderEvent);
    expect(cancelled).toMatchObject({ sequence: 2, cancellation_reason: 'Payment failed', code: 'payment_failed' });
    expect(cancelled.order).toMatchObject(await currentJsonSaveUpdatedAt(placement.order?.id ?? ''));
    expect(cancelled.occurred_at).toBe((cancelled.order as { updated_at: string }).updated_at);
  });

  it('when a paid order is cancelled and refunded, then order.cancelled and order.refunded follow in sequence', async () => {
    const order = await placePaid();

    const outcome = await cancel.cancel(order.id, ADMIN, 'Changed my mind', ctx());

    expect(outcome.kind).toBe('cancelled');
    const recorded = await eventsOf(order.id);
    expect(recorded.map((e) => [e.type, e.sequence])).toEqual([
      ['order.created', 1],
      ['order.paid', 2],
      ['order.cancelled', 3],
      ['order.refunded', 4],
    ]);
    expect(parsed(recorded[2] as StoredOrderEvent)).toMatchObject({
      cancellation_reason: 'Changed my mind',
      code: 'order_cancelled',
      order: { status: 'CANCELLED', payment_status: 'COMPLETED' },
    });
    expect(parsed(recorded[3] as StoredOrderEvent).order).toMatchObject({
      ...(await currentJsonSaveUpdatedAt(order.id)),
      payment_status: 'REFUNDED',
    });
  });

  it('when a paid order is shipped and delivered, then order.shipped and order.delivered are recorded', async () => {
    const order = await placePaid();

    await fulfil.set(order.id, ADMIN, 'SHIPPED', ctx());
    await fulfil.set(order.id, ADMIN, 'DELIVERED', ctx());
    // Setting the status an order has already changes nothing, and records nothing.
    await fulfil.set(order.id, ADMIN, 'DELIVERED', ctx());

    const recorded = await eventsOf(order.id);
    expect(recorded.map((e) => e.type)).toEqual(['order.created', 'order.paid', 'order.shipped', 'order.delivered']);
    expect(parsed(recorded[3] as StoredOrderEvent).order).toEqual(toOrderJson(await current(order.id)));
  });

  it('when a charge is found on an order cancelled as not charged and refunded, then order.refunded has the corrected reason', async () => {
    const order = await w.orderIn({ status: 'CANCELLED', reservation_state: 'RELEASED', payment_state: 'NOT_CHARGED' });
    await w.prisma
      .$executeRaw`UPDATE "orders" SET "cancellation_reason" = 'Order interrupted before payment; not charged', "failure_code" = 'order_interrupted' WHERE "id" = ${order.id}`;
    const token = randomUUID();
    await w.leaseRows.take(order.id, token, 'recovery', 30_000);

    const refunded = await w.orders.apply(await current(order.id), moves.lateChargeRefunded(await current(order.id), 'pay-1'), {
      fence: { orderId: order.id, token },
    });

    expect(refunded).not.toBeNull();
    const recorded = await eventsOf(order.id);
    expect(recorded.map((e) => [e.type, e.sequence])).toEqual([
      ['order.created', 1],
      ['order.refunded', 2],
    ]);
    const event = parsed(recorded[1] as StoredOrderEvent);
    expect(event.order).toEqual(toOrderJson(await current(order.id)));
    expect((event.order as { cancellation_reason: string }).cancellation_reason).not.toContain('not charged');
  });

  it('when a change records only progress (prices, a charge sent), then no event is recorded', async () => {
    const order = await w.orderIn({});
    const before = await eventsOf(order.id);

    const priced = await w.orders.apply(
      order,
      moves.priced(order, { items: [{ productId: 1, quantity: 2, name: 'Lamp', unitPriceCents: 500 }], totalCents: 1000 }),
    );

    expect(priced).not.toBeNull();
    expect((await eventsOf(order.id)).length).toBe(before.length);
  });

  it('when ten writers race to ship one order, then one wins and exactly one order.shipped is recorded', async () => {
    const order = await placePaid();

    const results = await Promise.all(
      Array.from({ length: 10 }, () => w.orders.apply(order, moves.fulfilled(order, 'SHIPPED', 'admin-1'))),
    );

    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const recorded = await eventsOf(order.id);
    expect(recorded.map((e) => [e.type, e.sequence])).toEqual([
      ['order.created', 1],
      ['order.paid', 2],
      ['order.shipped', 3],
    ]);
  });

  it('when a change lost its race (the order moved on), then nothing is written and no event is recorded', async () => {
    const order = await placePaid();
    await w.orders.apply(order, moves.fulfilled(order, 'SHIPPED', 'admin-1'));

    // The stale PAID copy: its cancellation expects PAID, which the order no longer is.
    const lost = await w.orders.apply(order, moves.cancelled(order, { code: 'order_cancelled', message: 'Too late' }, 'admin-1'));

    expect(lost).toBeNull();
    expect((await eventsOf(order.id)).map((e) => e.type)).toEqual(['order.created', 'order.paid', 'order.shipped']);
  });

  it('when a change rolls back (a statement of its transaction fails), then neither the change nor its event is written', async () => {
    const order = await placePaid();

    await expect(
      w.orders.apply(order, moves.fulfilled(order, 'SHIPPED', 'admin-1'), {
        alongside: [Prisma.sql`INSERT INTO "order_events" ("order_id") VALUES (NULL)`],
      }),
    ).rejects.toThrow();

    expect((await current(order.id)).status).toBe('PAID');
    expect((await eventsOf(order.id)).map((e) => e.type)).toEqual(['order.created', 'order.paid']);
  });

  it('when an event of an order is written twice under one sequence, then the database refuses the second', async () => {
    const order = await placePaid();
    const [first] = await eventsOf(order.id);
    if (!first) throw new Error('no event');

    // The unique (order_id, sequence) key is the backstop: a duplicate number can never be stored.
    await expect(
      w.prisma.$executeRaw`INSERT INTO "order_events" ("order_id", "sequence", "type", "occurred_at", "payload")
        VALUES (${order.id}, 1, 'order.created', ${new Date()}, '{}')`,
    ).rejects.toThrow();
    // Through the outbox statement the next number is counted instead.
    await w.prisma.$executeRaw(
      insertOrderEvent({ orderId: order.id, type: 'order.shipped', occurredAt: new Date(), payload: '{"order":{}}' }),
    );
    expect((await eventsOf(order.id)).map((e) => e.sequence)).toEqual([1, 2, 3]);
  });
});
