import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/domain/order.js';
import { attempt, failed, payment } from './fake-upstreams.js';
import { startWorkers, type Workers } from './order-workers.js';

// The recovery job's and the reconciliation's decisions, case by case, with small fakes of the
// product and payment ports over a real order database. Whatever a PENDING order's recorded
// payment state, the payment is sealed (voided) before the order is decided "not charged".
let w: Workers;
beforeAll(async () => {
  w = await startWorkers({ graceMs: 1000 });
});
afterAll(() => w?.close());

const TOTAL = 1000;

function reset(): void {
  w.products.onVoid = async () => 'released';
  w.payments.onFind = async () => null;
  w.payments.onVoid = async (orderId) => ({ kind: 'voided', payment: payment(orderId, 0, 'VOIDED') });
  w.payments.onRefund = async () => ({ kind: 'not_found' });
  w.payments.onList = async () => [];
}

async function recovered(order: Order): Promise<Order> {
  await w.recovery.runOnce();
  const now = await w.orders.findById(order.id);
  if (!now) throw new Error('order gone');
  return now;
}

describe('recovery of a PENDING order left by a worker that is gone', () => {
  it.each([
    ['nothing charged yet (NONE), the reservation sent', { reservation_state: 'REQUESTED', payment_state: 'NONE' }],
    ['the charge sent (REQUESTED)', { reservation_state: 'ACTIVE', payment_state: 'REQUESTED', total_cents: TOTAL }],
    ['the charge unknown (UNKNOWN)', { reservation_state: 'ACTIVE', payment_state: 'UNKNOWN', total_cents: TOTAL }],
  ])(
    'when %s and the payment service has no payment, then it is voided first, then CANCELLED "not charged" and the stock voided',
    async (_case, columns) => {
      reset();
      const order = await w.orderIn(columns);
      const voids = { payment: w.payments.voided.length, stock: w.products.voided.length };

      const after = await recovered(order);

      expect(w.payments.voided.slice(voids.payment)).toEqual([order.id]);
      expect(w.products.voided.slice(voids.stock)).toEqual([order.id]);
      expect(after).toMatchObject({
        status: 'CANCELLED',
        failureCode: 'order_interrupted',
        cancellationReason: 'Order interrupted before payment; not charged',
        paymentState: 'NOT_CHARGED',
        reservationState: 'RELEASED',
      });
      expect(after.history.at(-1)).toMatchObject({ from: 'PENDING', to: 'CANCELLED', by: 'system' });
    },
  );

  it('when the payment turns out COMPLETED for the total with the stock confirmed, then PAID, nothing voided', async () => {
    reset();
    w.payments.onFind = async (orderId) => payment(orderId, TOTAL, 'COMPLETED');
    const order = await w.orderIn({ reservation_state: 'ACTIVE', payment_state: 'REQUESTED', total_cents: TOTAL });
    const voids = w.products.voided.length;

    const after = await recovered(order);

    expect(after).toMatchObject({ status: 'PAID', paymentState: 'COMPLETED', reservationState: 'ACTIVE' });
    expect(after.history.at(-1)?.reason).toBe('Recovered: the payment service confirmed the charge');
    expect(w.products.voided).toHaveLength(voids);
  });

  it('when a charge lands between the lookup and the void, then the void says so and the order is PAID', async () => {
    reset();
    w.payments.onVoid = async (orderId) => ({ kind: 'charged', payment: payment(orderId, TOTAL, 'COMPLETED') });
    const order = await w.orderIn({ reservation_state: 'ACTIVE', payment_state: 'REQUESTED', total_cents: TOTAL });

    expect((await recovered(order)).status).toBe('PAID');
  });

  it.each([
    ['for another amount', { reservation_state: 'ACTIVE' }, 1, 'payment_amount_mismatch'],
    ['with the stock never confirmed', { reservation_state: 'REQUESTED' }, TOTAL, 'stock_not_confirmed'],
  ])('when the payment is COMPLETED %s, then CANCELLED, refunded, stock voided', async (_case, columns, cents, code) => {
    reset();
    w.payments.onFind = async (orderId) => payment(orderId, cents, 'COMPLETED');
    w.payments.onRefund = async (orderId) => ({ kind: 'refunded', payment: payment(orderId, cents, 'REFUNDED') });
    const order = await w.orderIn({ ...columns, payment_state: 'REQUESTED', total_cents: TOTAL });

    const after = await recovered(order);

    expect(after).toMatchObject({ status: 'CANCELLED', failureCode: code, paymentState: 'REFUNDED', reservationState: 'RELEASED' });
    expect(after.cancellationReason).toMatch(/refunded$/);
  });

  it('when the payment is found REFUNDED, then CANCELLED payment_refunded', async () => {
    reset();
    w.payments.onFind = async (orderId) => payment(orderId, TOTAL, 'REFUNDED');
    const order = await w.orderIn({ reservation_state: 'ACTIVE', payment_state: 'UNKNOWN', total_cents: TOTAL });

    expect(await recovered(order)).toMatchObject({ status: 'CANCELLED', failureCode: 'payment_refunded', paymentState: 'REFUNDED' });
  });

  it('when the payment is found FAILED, then it is voided and the order CANCELLED payment_failed', async () => {
    reset();
    w.payments.onFind = async (orderId) => payment(orderId, TOTAL, 'FAILED');
    const order = await w.orderIn({ reservation_state: 'ACTIVE', payment_state: 'REQUESTED', total_cents: TOTAL });
    const voids = w.payments.voided.length;

    expect(await recovered(order)).toMatchObject({ status: 'CANCELLED', failureCode: 'payment_failed', paymentState: 'FAILED' });
    expect(w.payments.voided.slice(voids)).toEqual([order.id]);
  });

  it.each([
    [
      'the lookup fails',
      () => {
        w.payments.onFind = async () => {
          throw failed('payment', attempt.timeout);
        };
      },
    ],
    [
      'the void fails',
      () => {
        w.payments.onVoid = async () => {
          throw failed('payment', attempt.unreachable);
        };
      },
    ],
  ])('when %s, then the order stays PENDING, untouched, for the next pass', async (_case, setup) => {
    reset();
    setup();
    const order = await w.orderIn({ reservation_state: 'REQUESTED', payment_state: 'NONE' });
    const voids = w.products.voided.length;

    expect(await recovered(order)).toMatchObject({ status: 'PENDING', reservationState: 'REQUESTED', paymentState: 'NONE' });
    expect(w.products.voided).toHaveLength(voids);
  });

  it('when its worker still holds the order (a live lease), then the pass leaves it alone', async () => {
    reset();
    const order = await w.orderIn({ reservation_state: 'REQUESTED', payment_state: 'NONE' });
    expect(await w.leaseRows.take(order.id, randomUUID(), 'workflow', 60_000)).toBe(true);
    const looked = w.payments.looked.length;

    expect((await recovered(order)).status).toBe('PENDING');
    expect(w.payments.looked.filter((id) => id === order.id)).toHaveLength(0);
    expect(w.payments.looked.length).toBeGreaterThanOrEqual(looked);
  });

  it('when the order is younger than the grace period, then the pass leaves it alone', async () => {
    reset();
    const order = await w.orderIn({ reservation_state: 'REQUESTED', payment_state: 'NONE' }, 0);

    expect((await recovered(order)).status).toBe('PENDING');
  });

  it('when a lease expired long ago on a decided order, then the pass clears it', async () => {
    reset();
    const order = await w.orderIn({ status: 'PAID', reservation_state: 'ACTIVE', payment_state: 'COMPLETED', total_cents: TOTAL });
    expect(await w.leaseRows.take(order.id, 'a-worker-that-died', 'workflow', -120_000)).toBe(true);

    await w.recovery.runOnce();

    expect((await w.prisma.order.findUnique({ where: { id: order.id } }))?.leaseToken).toBeNull();
  });
});

describe('recovery of a CANCELLED order', () => {
  it('when a refund is owed, then it is refunded and recorded, the reason kept', async () => {
    reset();
    w.payments.onRefund = async (orderId) => ({ kind: 'refunded', payment: payment(orderId, TOTAL, 'REFUNDED') });
    const order = await w.orderIn({
      status: 'CANCELLED',
      reservation_state: 'RELEASED',
      payment_state: 'REFUND_PENDING',
      total_cents: TOTAL,
    });
    await w.prisma
      .$executeRaw`UPDATE "orders" SET "cancellation_reason" = 'Cancelled by customer', "failure_code" = 'order_cancelled' WHERE "id" = ${order.id}`;

    expect(await recovered(order)).toMatchObject({ paymentState: 'REFUNDED', cancellationReason: 'Cancelled by customer' });
  });

  it('when an order recorded as not charged turns out charged (a late charge), then it is refunded and its reason corrected', async () => {
    reset();
    w.payments.onRefund = async (orderId) => ({ kind: 'refunded', payment: payment(orderId, TOTAL, 'REFUNDED') });
    const order = await w.orderIn({
      status: 'CANCELLED',
      reservation_state: 'RELEASE_FAILED',
      payment_state: 'NOT_CHARGED',
      total_cents: TOTAL,
    });
    await w.prisma
      .$executeRaw`UPDATE "orders" SET "cancellation_reason" = 'Order interrupted before payment; not charged', "failure_code" = 'order_interrupted' WHERE "id" = ${order.id}`;

    const after = await recovered(order);

    expect(after).toMatchObject({ paymentState: 'REFUNDED', reservationState: 'RELEASED', failureCode: 'order_interrupted' });
    expect(after.cancellationReason).toBe('Order interrupted before payment; charged after cancellation; refunded');
    expect(after.history.at(-1)).toMatchObject({ from: 'CANCELLED', to: 'CANCELLED', reason: 'Charged after cancellation; refunded' });
  });
});

describe('reconciliation: a COMPLETED payment of a CANCELLED order is refunded, whatever the cause', () => {
  async function cancelledNotCharged(): Promise<Order> {
    const order = await w.orderIn({ status: 'CANCELLED', reservation_state: 'RELEASED', payment_state: 'NOT_CHARGED', total_cents: TOTAL });
    await w.prisma
      .$executeRaw`UPDATE "orders" SET "cancellation_reason" = 'Order interrupted before payment; not charged', "failure_code" = 'order_interrupted' WHERE "id" = ${order.id}`;
    return order;
  }
  const listed = (orderId: string, status: 'COMPLETED' | 'REFUNDED' = 'COMPLETED', at = new Date()) => ({
    ...payment(orderId, TOTAL, status),
    updated_at: at.toISOString(),
  });

  it('when the payment service lists a completed payment whose order is cancelled, then it is refunded and recorded truthfully', async () => {
    reset();
    const order = await cancelledNotCharged();
    const paid = await w.orderIn({ status: 'PAID', reservation_state: 'ACTIVE', payment_state: 'COMPLETED', total_cents: TOTAL });
    w.payments.onList = async (query) => (!query.orderIds ? [listed(order.id), listed(paid.id)] : []);
    w.payments.onRefund = async (orderId) => ({ kind: 'refunded', payment: payment(orderId, TOTAL, 'REFUNDED') });
    const refunds = w.payments.refunded.length;

    const report = await w.reconciliation.runOnce();

    expect(report.refunded).toBe(1);
    expect(w.payments.refunded.slice(refunds)).toEqual([order.id]);
    const after = await w.orders.findById(order.id);
    expect(after).toMatchObject({
      paymentState: 'REFUNDED',
      cancellationReason: 'Order interrupted before payment; charged after cancellation; refunded',
    });
    expect(after?.history.at(-1)?.reason).toBe('Charged after cancellation; refunded');
    expect((await w.orders.findById(paid.id))?.status).toBe('PAID');
  });

  it('when a cancelled order changed since the last pass has a completed payment, then it is refunded', async () => {
    reset();
    const order = await cancelledNotCharged();
    w.payments.onList = async (query) => (query.orderIds?.includes(order.id) ? [listed(order.id)] : []);
    w.payments.onRefund = async (orderId) => ({ kind: 'refunded', payment: payment(orderId, TOTAL, 'REFUNDED') });

    await w.reconciliation.runOnce();

    expect((await w.orders.findById(order.id))?.paymentState).toBe('REFUNDED');
  });

  it('when the order is held by another worker, then it is left, and found again by the next pass', async () => {
    reset();
    const order = await cancelledNotCharged();
    const token = randomUUID();
    expect(await w.leaseRows.take(order.id, token, 'cancel', 60_000)).toBe(true);
    w.payments.onList = async (query) => (!query.orderIds ? [listed(order.id)] : []);
    w.payments.onRefund = async (orderId) => ({ kind: 'refunded', payment: payment(orderId, TOTAL, 'REFUNDED') });

    expect((await w.reconciliation.runOnce()).refunded).toBe(0);
    await w.leaseRows.release(order.id, token);
    expect((await w.reconciliation.runOnce()).refunded).toBe(1);
    expect((await w.orders.findById(order.id))?.paymentState).toBe('REFUNDED');
  });

  it('when the refund of a late charge cannot be made, then the refund is left owed, and the reason is true already', async () => {
    reset();
    const order = await cancelledNotCharged();
    w.payments.onList = async (query) => (!query.orderIds ? [listed(order.id)] : []);
    w.payments.onRefund = async () => {
      throw failed('payment', attempt.unreachable);
    };

    await w.reconciliation.runOnce();

    const after = await w.orders.findById(order.id);
    expect(after).toMatchObject({
      paymentState: 'REFUND_PENDING',
      cancellationReason: 'Order interrupted before payment; charged after cancellation; refunded',
    });
    expect(after?.history.at(-1)?.reason).toBe('Charged after cancellation; refunded');
    // The recovery job finishes the refund (a refund owed), the reason unchanged.
    w.payments.onRefund = async (orderId) => ({ kind: 'refunded', payment: payment(orderId, TOTAL, 'REFUNDED') });
    expect(await recovered(order)).toMatchObject({ paymentState: 'REFUNDED', cancellationReason: after?.cancellationReason });
  });

  it('when a charge of an order that says "not charged" was refunded already, then only its reason is corrected', async () => {
    reset();
    const order = await cancelledNotCharged();
    w.payments.onList = async (query) => (!query.orderIds ? [listed(order.id, 'REFUNDED')] : []);
    const refunds = w.payments.refunded.length;

    await w.reconciliation.runOnce();

    expect(w.payments.refunded).toHaveLength(refunds);
    expect(await w.orders.findById(order.id)).toMatchObject({
      paymentState: 'REFUNDED',
      cancellationReason: 'Order interrupted before payment; charged after cancellation; refunded',
    });
  });

  it('when more payments than a page share one instant, then the pass pages through all of them', async () => {
    reset();
    const order = await cancelledNotCharged();
    const instant = new Date();
    const others = await Promise.all(
      Array.from({ length: 150 }, () =>
        w.orderIn({ status: 'PAID', reservation_state: 'ACTIVE', payment_state: 'COMPLETED', total_cents: TOTAL }),
      ),
    );
    // The payment service's order: by time, then by id; the cancelled order's payment comes last.
    const rows = [...others.map((o) => listed(o.id, 'COMPLETED', instant)), { ...listed(order.id, 'COMPLETED', instant), id: 'zzzz-last' }];
    w.payments.onList = async (query) => {
      if (query.orderIds) return [];
      const after = query.updatedAfter?.getTime() ?? 0;
      return rows.filter((row) => new Date(row.updated_at).getTime() > after).slice(query.offset ?? 0, (query.offset ?? 0) + query.limit);
    };
    w.payments.onRefund = async (orderId) => ({ kind: 'refunded', payment: payment(orderId, TOTAL, 'REFUNDED') });

    expect((await w.reconciliation.runOnce()).refunded).toBe(1);
    expect((await w.orders.findById(order.id))?.paymentState).toBe('REFUNDED');
  });

  it('when the payment service cannot be asked, then the pass fails and its cursor stays', async () => {
    reset();
    w.payments.onList = async () => {
      throw failed('payment', attempt.unreachable);
    };
    const before = await w.prisma.reconciliationCursor.findMany();

    await expect(w.reconciliation.runOnce()).rejects.toThrow();
    expect(await w.prisma.reconciliationCursor.findMany()).toEqual(before);
  });
});

describe('recovery passes over more orders than a batch', () => {
  let small: Workers;
  beforeAll(async () => {
    small = await startWorkers({ graceMs: 1000, batchSize: 3 });
  });
  afterAll(() => small?.close());

  it('when the oldest orders stay undecided pass after pass, then the next passes still reach the newer ones', async () => {
    // Five old orders the payment service cannot answer for, then a newer one it can.
    const stuck = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const order = await small.orderIn(
        { reservation_state: 'ACTIVE', payment_state: 'REQUESTED', total_cents: TOTAL },
        120_000 - i * 1000,
      );
      stuck.add(order.id);
    }
    const newer = await small.orderIn({ reservation_state: 'REQUESTED', payment_state: 'NONE' }, 60_000);
    small.products.onVoid = async () => 'released';
    small.payments.onFind = async (orderId) => {
      if (stuck.has(orderId)) throw failed('payment', attempt.timeout);
      return null;
    };
    small.payments.onVoid = async (orderId) => ({ kind: 'voided', payment: payment(orderId, 0, 'VOIDED') });

    await small.recovery.runOnce();
    expect((await small.orders.findById(newer.id))?.status).toBe('PENDING');
    await small.recovery.runOnce();
    expect(await small.orders.findById(newer.id)).toMatchObject({ status: 'CANCELLED', failureCode: 'order_interrupted' });
    // Then from the oldest again: the stuck ones are still looked at.
    const asked: string[] = [];
    small.payments.onFind = async (orderId) => {
      asked.push(orderId);
      throw failed('payment', attempt.timeout);
    };
    await small.recovery.runOnce();
    expect(asked).toEqual([...stuck].slice(0, 3));
    for (const id of stuck) expect((await small.orders.findById(id))?.status).toBe('PENDING');
  });
});
