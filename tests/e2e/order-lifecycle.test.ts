import { randomUUID } from 'node:crypto';
import type { OrderJson } from '@order-system/contracts';
import { bearer, waitFor } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTrio, type Trio } from './harness.js';

// Listing, cancelling (refund and stock back) and shipping orders, over the three real services.
let trio: Trio;
const products: { id: number; initialStock: number }[] = [];
beforeAll(async () => {
  trio = await startTrio();
});
afterAll(() => trio?.stop());

async function product(price: string, stock: number) {
  const created = await trio.createProduct({ price, stock });
  products.push({ id: created.id, initialStock: stock });
  return created;
}

/** A new customer, so that each test sees only its own orders. */
function customer(): { sub: string; auth: string } {
  const sub = `customer-${randomUUID()}`;
  return { sub, auth: bearer('customer', sub) };
}

async function paidOrder(productId: number, quantity: number, auth?: string): Promise<OrderJson> {
  const res = await trio.createOrder({ customer_name: 'Pat', items: [{ product_id: productId, quantity }] }, auth ? { auth } : {});
  expect(res.status).toBe(201);
  return res.body;
}

const refundLogs = (orderId: string) => trio.logsWith('payment', 'payment refunded').filter((line) => line.order_id === orderId);

describe('listing orders', () => {
  it('when a customer lists, then only their orders, newest first, paginated, filtered by status', async () => {
    const lamp = await product('12.00', 10);
    const alice = customer();
    const first = await paidOrder(lamp.id, 1, alice.auth);
    const second = await paidOrder(lamp.id, 2, alice.auth);
    const refused = await trio.createOrder(
      { customer_name: 'Alice', items: [{ product_id: lamp.id, quantity: 99 }] },
      { auth: alice.auth },
    );
    await paidOrder(lamp.id, 1, customer().auth);
    await paidOrder(lamp.id, 1);

    const all = await trio.listOrders('', { auth: alice.auth });
    const page = await trio.listOrders('?limit=1&offset=1', { auth: alice.auth });
    const paid = await trio.listOrders('?status=PAID', { auth: alice.auth });
    const cancelled = await trio.listOrders('?status=CANCELLED', { auth: alice.auth });

    expect(all.status).toBe(200);
    expect(all.body.map((order) => order.id)).toEqual([refused.body.id, second.id, first.id]);
    expect(all.body[1]).toEqual((await trio.getOrder(second.id, { auth: alice.auth })).body);
    expect(all.headers.get('x-total-count')).toBe('3');
    expect(page.body.map((order) => order.id)).toEqual([second.id]);
    expect(page.headers.get('link')).toContain(`<${trio.order.url}/api/orders/?limit=1&offset=2>; rel="next"`);
    expect(paid.body.map((order) => order.id)).toEqual([second.id, first.id]);
    expect(cancelled.body.map((order) => order.id)).toEqual([refused.body.id]);
  });

  it('when an admin lists, then every customer’s orders and the anonymous ones', async () => {
    const pen = await product('1.00', 5);
    const mine = await paidOrder(pen.id, 1, customer().auth);
    const anonymous = await paidOrder(pen.id, 1);

    const res = await trio.listOrders('?status=PAID&limit=100', { auth: ADMIN });

    expect(res.status).toBe(200);
    expect(res.body.map((order) => order.id)).toEqual(expect.arrayContaining([mine.id, anonymous.id]));
    expect(res.body.every((order) => order.status === 'PAID')).toBe(true);
  });
});

describe('cancelling an order', () => {
  it('when the owner cancels a PAID order, then it is CANCELLED with the reason, refunded once and its stock is back', async () => {
    const chair = await product('40.00', 5);
    const bob = customer();
    const order = await paidOrder(chair.id, 2, bob.auth);
    expect(await trio.stockOf(chair.id)).toBe(3);

    const res = await trio.cancelOrder(order.id, { reason: 'Found a cheaper one' }, { auth: bob.auth });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: order.id,
      status: 'CANCELLED',
      cancellation_reason: 'Found a cheaper one',
      payment_status: 'REFUNDED',
    });
    expect(res.body.status_history.at(-1)).toMatchObject({ from: 'PAID', to: 'CANCELLED', by: bob.sub, reason: 'Found a cheaper one' });
    expect((await trio.getPayment(order.id)).body).toMatchObject({ status: 'REFUNDED', amount: '80.00' });
    expect(await trio.stockOf(chair.id)).toBe(5);
    expect((await trio.getOrder(order.id, { auth: bob.auth })).body).toEqual(res.body);
  });

  it('when an order is cancelled twice, one after the other or at once, then it is refunded and released once', async () => {
    const desk = await product('99.00', 4);
    const carol = customer();
    const one = await paidOrder(desk.id, 1, carol.auth);
    const other = await paidOrder(desk.id, 1, carol.auth);

    const first = await trio.cancelOrder(one.id, undefined, { auth: carol.auth });
    const again = await trio.cancelOrder(one.id, { reason: 'again' }, { auth: ADMIN });
    const racing = await Promise.all([1, 2, 3].map(() => trio.cancelOrder(other.id, {}, { auth: carol.auth })));

    expect(first.status).toBe(200);
    expect(first.body.cancellation_reason).toBe('Cancelled by customer');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(racing.map((res) => res.status)).toEqual([200, 200, 200]);
    for (const res of racing) expect(res.body.status_history.filter((change) => change.to === 'CANCELLED')).toHaveLength(1);
    expect(await trio.stockOf(desk.id)).toBe(4);
    await waitFor(() => refundLogs(one.id).length === 1 && refundLogs(other.id).length === 1);
    expect(refundLogs(one.id)).toHaveLength(1);
    expect(refundLogs(other.id)).toHaveLength(1);
  });

  it('when an admin cancels an anonymous order, then it is cancelled by that admin with the default reason', async () => {
    const mug = await product('6.00', 3);
    const order = await paidOrder(mug.id, 1);

    const byCustomer = await trio.cancelOrder(order.id, {}, { auth: customer().auth });
    const byAdmin = await trio.cancelOrder(order.id, undefined, { auth: bearer('admin', 'ops-admin') });

    expect(byCustomer.status).toBe(403);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'Cancelled by admin', payment_status: 'REFUNDED' });
    expect(byAdmin.body.status_history.at(-1)).toMatchObject({ by: 'ops-admin', reason: 'Cancelled by admin' });
    expect(await trio.stockOf(mug.id)).toBe(3);
  });

  it('when another customer tries to cancel, then 404 and the order stays PAID with its stock', async () => {
    const cup = await product('3.00', 2);
    const order = await paidOrder(cup.id, 1, customer().auth);

    const res = await trio.cancelOrder(order.id, {}, { auth: customer().auth });

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Order not found', code: 'not_found' });
    expect((await trio.getOrder(order.id, { auth: ADMIN })).body.status).toBe('PAID');
    expect(await trio.stockOf(cup.id)).toBe(1);
  });

  it('when a SHIPPED or DELIVERED order is cancelled, then 409 invalid_status_transition and nothing is refunded', async () => {
    const bike = await product('300.00', 2);
    const dan = customer();
    const order = await paidOrder(bike.id, 1, dan.auth);
    await trio.setOrderStatus(order.id, 'SHIPPED', { auth: ADMIN });

    const shipped = await trio.cancelOrder(order.id, {}, { auth: dan.auth });
    await trio.setOrderStatus(order.id, 'DELIVERED', { auth: ADMIN });
    const delivered = await trio.cancelOrder(order.id, {}, { auth: ADMIN });

    expect(shipped.status).toBe(409);
    expect(shipped.body).toMatchObject({ code: 'invalid_status_transition', order_status: 'SHIPPED' });
    expect(delivered.status).toBe(409);
    expect(delivered.body).toMatchObject({ code: 'invalid_status_transition', order_status: 'DELIVERED' });
    expect((await trio.getPayment(order.id)).body.status).toBe('COMPLETED');
    expect(await trio.stockOf(bike.id)).toBe(1);
  });
});

describe('shipping and delivering an order', () => {
  it('when an admin moves a PAID order to SHIPPED then DELIVERED, then each step is in the history, by that admin', async () => {
    const book = await product('15.00', 3);
    const order = await paidOrder(book.id, 1, customer().auth);
    const admin = bearer('admin', 'warehouse');

    const shipped = await trio.setOrderStatus(order.id, 'SHIPPED', { auth: admin });
    const shippedAgain = await trio.setOrderStatus(order.id, 'SHIPPED', { auth: admin });
    const delivered = await trio.setOrderStatus(order.id, 'DELIVERED', { auth: admin });
    const back = await trio.setOrderStatus(order.id, 'SHIPPED', { auth: admin });

    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe('SHIPPED');
    expect(shippedAgain.status).toBe(200);
    expect(shippedAgain.body).toEqual(shipped.body);
    expect(delivered.status).toBe(200);
    expect(delivered.body.status_history.map((change) => [change.from, change.to, change.by])).toEqual([
      [null, 'PENDING', expect.any(String)],
      ['PENDING', 'PAID', 'system'],
      ['PAID', 'SHIPPED', 'warehouse'],
      ['SHIPPED', 'DELIVERED', 'warehouse'],
    ]);
    expect(back.status).toBe(409);
    expect(back.body).toMatchObject({ code: 'invalid_status_transition', order_status: 'DELIVERED' });
    expect(await trio.stockOf(book.id)).toBe(2);
  });

  it('when a PAID order is set DELIVERED directly, or a CANCELLED one SHIPPED, then 409', async () => {
    const ink = await product('2.00', 3);
    const paid = await paidOrder(ink.id, 1);
    const cancelled = await paidOrder(ink.id, 1);
    await trio.cancelOrder(cancelled.id, {}, { auth: ADMIN });

    const skip = await trio.setOrderStatus(paid.id, 'DELIVERED', { auth: ADMIN });
    const revive = await trio.setOrderStatus(cancelled.id, 'SHIPPED', { auth: ADMIN });
    const byOwner = await trio.setOrderStatus(paid.id, 'SHIPPED', { auth: customer().auth });

    expect(skip.status).toBe(409);
    expect(skip.body).toMatchObject({ code: 'invalid_status_transition', order_status: 'PAID' });
    expect(revive.status).toBe(409);
    expect(byOwner.status).toBe(403);
    expect((await trio.getOrder(paid.id)).body.status).toBe('PAID');
  });
});

describe('after all of the above', () => {
  it('then the invariants hold: no cancelled order keeps a payment, stock = initial − what live orders hold', async () => {
    expect(await trio.invariantViolations(products)).toEqual([]);
  });
});
