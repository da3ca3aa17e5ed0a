import { describe, expect, it } from 'vitest';
import type { Order } from './order.js';
import { failures } from './order-failures.js';
import { applied, IllegalOrderMoveError, mayBeCharged, mayHoldStock, moves, owesRefund } from './order-state.js';

const AT = new Date('2026-12-01T10:00:00.000Z');
const LATER = new Date('2026-12-01T10:00:01.000Z');

function order(overrides: Partial<Order> = {}): Order {
  return {
    id: 'o1',
    customerName: 'Ann',
    userId: null,
    status: 'PENDING',
    totalCents: null,
    cancellationReason: null,
    failureCode: null,
    reservationState: 'REQUESTED',
    paymentState: 'NONE',
    paymentId: null,
    shippingAddress: null,
    tracking: { carrier: null, trackingNumber: null },
    createdAt: AT,
    updatedAt: AT,
    items: [{ productId: 1, quantity: 2, name: null, unitPriceCents: null }],
    history: [{ from: null, to: 'PENDING', at: AT, by: 'system', reason: null }],
    ...overrides,
  };
}

describe('the order state machine', () => {
  it('when the reservation is priced, then the stock is ACTIVE, the charge REQUESTED and the lines carry their prices', () => {
    const pending = order();
    const change = moves.priced(pending, { totalCents: 1000, items: [{ productId: 1, quantity: 2, name: 'Lamp', unitPriceCents: 500 }] });

    const next = applied(pending, change, LATER);

    expect(change).toMatchObject({ orderId: 'o1', expect: 'PENDING', reservationState: 'ACTIVE', paymentState: 'REQUESTED' });
    expect(next).toMatchObject({ status: 'PENDING', totalCents: 1000, updatedAt: LATER });
    expect(next.items).toEqual([{ productId: 1, quantity: 2, name: 'Lamp', unitPriceCents: 500 }]);
    expect(next.history).toHaveLength(1);
  });

  it('when an order is paid, then it is PAID with its payment and one more history entry', () => {
    const priced = order({ reservationState: 'ACTIVE', paymentState: 'REQUESTED', totalCents: 1000 });

    const next = applied(priced, moves.paid(priced, 'p1'), LATER);

    expect(next).toMatchObject({ status: 'PAID', paymentState: 'COMPLETED', paymentId: 'p1' });
    expect(next.history.at(-1)).toEqual({ from: 'PENDING', to: 'PAID', at: LATER, by: 'system', reason: null });
  });

  it('when an order is cancelled, then its reason and code are recorded with the status change', () => {
    const pending = order();

    const next = applied(pending, moves.cancelled(pending, failures.outOfStock(3), 'system', { reservationState: 'NONE' }), LATER);

    expect(next).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'Product 3 is out of stock',
      failureCode: 'out_of_stock',
      reservationState: 'NONE',
    });
    expect(next.history.at(-1)).toMatchObject({ from: 'PENDING', to: 'CANCELLED', reason: 'Product 3 is out of stock' });
  });

  it.each([
    ['PAID -> SHIPPED', order({ status: 'PAID' }), () => moves.fulfilled(order({ status: 'PAID' }), 'SHIPPED', 'admin')],
    ['SHIPPED -> DELIVERED', order({ status: 'SHIPPED' }), () => moves.fulfilled(order({ status: 'SHIPPED' }), 'DELIVERED', 'admin')],
    ['PAID -> CANCELLED', order({ status: 'PAID' }), () => moves.cancelled(order({ status: 'PAID' }), failures.onRequest('no'), 'u1')],
  ])('when %s, then it is allowed', (_name, _from, make) => {
    expect(() => make()).not.toThrow();
  });

  it.each([
    ['PENDING -> SHIPPED', () => moves.fulfilled(order(), 'SHIPPED', 'admin')],
    ['PAID -> DELIVERED', () => moves.fulfilled(order({ status: 'PAID' }), 'DELIVERED', 'admin')],
    ['SHIPPED -> CANCELLED', () => moves.cancelled(order({ status: 'SHIPPED' }), failures.onRequest('late'), 'u1')],
    ['DELIVERED -> CANCELLED', () => moves.cancelled(order({ status: 'DELIVERED' }), failures.onRequest('late'), 'u1')],
    ['CANCELLED -> CANCELLED', () => moves.cancelled(order({ status: 'CANCELLED' }), failures.onRequest('again'), 'u1')],
    ['a PAID order priced again', () => moves.priced(order({ status: 'PAID' }), { totalCents: 1, items: [] })],
    ['RELEASED stock taken again', () => moves.stock(order({ status: 'CANCELLED', reservationState: 'RELEASED' }), 'ACTIVE')],
    ['a REFUNDED payment charged again', () => moves.payment(order({ status: 'CANCELLED', paymentState: 'REFUNDED' }), 'COMPLETED')],
    [
      'a COMPLETED payment declared not charged',
      () => moves.payment(order({ status: 'CANCELLED', paymentState: 'COMPLETED' }), 'NOT_CHARGED'),
    ],
  ])('when %s, then the state machine refuses it as a bug', (_name, make) => {
    expect(() => make()).toThrow(IllegalOrderMoveError);
  });

  it('when a PAID order ships with its carrier and tracking number, then they go with the move; DELIVERED carries none', () => {
    const paid = order({ status: 'PAID' });
    const tracking = { carrier: 'DHL', trackingNumber: 'JD0146' };

    const shipped = applied(paid, moves.fulfilled(paid, 'SHIPPED', 'admin', tracking), LATER);
    const delivered = moves.fulfilled(shipped, 'DELIVERED', 'admin', { carrier: 'UPS', trackingNumber: '1Z' });

    expect(shipped).toMatchObject({ status: 'SHIPPED', tracking });
    expect(delivered.tracking).toBeUndefined();
    expect(applied(shipped, delivered, LATER).tracking).toEqual(tracking);
  });

  it('when a late charge on an order cancelled as not charged is refunded, then the reason no longer says "not charged" and the history says why', () => {
    const cancelled = order({
      status: 'CANCELLED',
      paymentState: 'NOT_CHARGED',
      cancellationReason: failures.interrupted.message,
      failureCode: 'order_interrupted',
    });

    const next = applied(cancelled, moves.lateChargeRefunded(cancelled, 'p9'), LATER);

    expect(next.cancellationReason).toBe('Order interrupted before payment; charged after cancellation; refunded');
    expect(next.cancellationReason).not.toContain('not charged');
    expect(next).toMatchObject({ status: 'CANCELLED', paymentState: 'REFUNDED', paymentId: 'p9', failureCode: 'order_interrupted' });
    expect(next.history.at(-1)).toEqual({
      from: 'CANCELLED',
      to: 'CANCELLED',
      at: LATER,
      by: 'system',
      reason: 'Charged after cancellation; refunded',
    });
  });

  it('tells what an order may still hold or owe', () => {
    expect(mayHoldStock(order({ reservationState: 'REQUESTED' }))).toBe(true);
    expect(mayHoldStock(order({ reservationState: 'RELEASE_FAILED' }))).toBe(true);
    expect(mayHoldStock(order({ reservationState: 'RELEASED' }))).toBe(false);
    expect(owesRefund(order({ status: 'CANCELLED', paymentState: 'REFUND_PENDING' }))).toBe(true);
    expect(owesRefund(order({ status: 'CANCELLED', paymentState: 'NOT_CHARGED' }))).toBe(false);
    expect(owesRefund(order({ status: 'PAID', paymentState: 'COMPLETED' }))).toBe(false);
    expect(mayBeCharged(order({ paymentState: 'UNKNOWN' }))).toBe(true);
    expect(mayBeCharged(order({ paymentState: 'NONE' }))).toBe(false);
  });
});
