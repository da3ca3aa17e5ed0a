import { randomUUID } from 'node:crypto';
import { bearer, waitFor } from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTrio, type Trio } from './harness.js';

// Cancelling while the order is still being placed, while the refund cannot get through, and
// cancelling an order left PENDING. A TCP proxy sits between the order and payment services; the
// recovery job is kept out of the way (long interval) so that what heals an order here is the
// repeated cancel itself.
let trio: Trio;
const products: { id: number; initialStock: number }[] = [];
beforeAll(async () => {
  trio = await startTrio({ proxyPayment: true, orderEnv: { UPSTREAM_TIMEOUT_MS: '4000', RECOVERY_INTERVAL_MS: '600000' } });
});
afterEach(() => trio.paymentProxy?.setRules([]));
afterAll(() => trio?.stop());

const CHARGE = { method: 'POST', path: '/api/payments/' } as const;
const LOOKUP = { method: 'GET', path: '/api/payments/' } as const;
const REFUND = { method: 'POST', path: /^\/api\/payments\/[^/]+\/refund\/?$/ } as const;

async function product(price: string, stock: number) {
  const created = await trio.createProduct({ price, stock });
  products.push({ id: created.id, initialStock: stock });
  return created;
}

describe('cancelling an order that is still being placed', () => {
  it('when its charge is under way, then 409 order_in_progress; once it is PAID, the cancel refunds it', async () => {
    const tent = await product('120.00', 2);
    const sub = `customer-${randomUUID()}`;
    const auth = bearer('customer', sub);
    trio.paymentProxy?.setRules([{ ...CHARGE, fault: { kind: 'delay', ms: 2500 }, times: 1 }]);
    const placing = trio.createOrder({ customer_name: 'Uma', product_ids: [tent.id] }, { auth });
    await waitFor(() => trio.paymentProxy?.requests.some((r) => r.method === 'POST' && r.fault === 'delay'));
    const [pending] = (await trio.listOrders('?status=PENDING', { auth })).body;
    expect(pending).toBeDefined();

    const early = await trio.cancelOrder(pending!.id, { reason: 'too slow' }, { auth });
    const placed = await placing;
    const later = await trio.cancelOrder(pending!.id, { reason: 'too slow' }, { auth });

    expect(early.status).toBe(409);
    expect(early.body.code).toBe('order_in_progress');
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('PAID');
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({ status: 'CANCELLED', payment_status: 'REFUNDED', cancellation_reason: 'too slow' });
    expect((await trio.getPayment(pending!.id)).body.status).toBe('REFUNDED');
    expect(await trio.stockOf(tent.id)).toBe(2);
  });
});

describe('cancelling when the refund cannot get through', () => {
  it('then 202 refund_pending: the order is CANCELLED and its stock back; a repeated cancel finishes the refund once', async () => {
    const kettle = await product('25.00', 3);
    const placed = await trio.createOrder({ customer_name: 'Vic', items: [{ product_id: kettle.id, quantity: 2 }] });
    expect(placed.status).toBe(201);
    trio.paymentProxy?.setRules([{ ...REFUND, fault: { kind: 'reset' } }]);

    const res = await trio.cancelOrder(placed.body.id, { reason: 'changed my mind' }, { auth: ADMIN });

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'CANCELLED',
      cancellation_reason: 'changed my mind',
      payment_status: 'COMPLETED',
      code: 'refund_pending',
    });
    expect(res.body.error).toEqual(expect.any(String));
    expect(trio.paymentProxy?.requests.filter((r) => r.fault === 'reset')).toHaveLength(3);
    expect((await trio.getPayment(placed.body.id)).body.status).toBe('COMPLETED');
    expect(await trio.stockOf(kettle.id)).toBe(3);

    trio.paymentProxy?.setRules([]);
    const again = await trio.cancelOrder(placed.body.id, undefined, { auth: ADMIN });

    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'CANCELLED', payment_status: 'REFUNDED', cancellation_reason: 'changed my mind' });
    expect(again.body.status_history.filter((change) => change.to === 'CANCELLED')).toHaveLength(1);
    expect((await trio.getPayment(placed.body.id)).body.status).toBe('REFUNDED');
    expect(await trio.stockOf(kettle.id)).toBe(3);
  });
});

describe('cancelling an order left PENDING (its payment could not be confirmed)', () => {
  it('then it is CANCELLED, the charge that did happen is refunded and the stock is back', async () => {
    const lamp = await product('18.00', 2);
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'drop-response' } },
      { ...LOOKUP, fault: { kind: 'reset' } },
    ]);
    const placed = await trio.createOrder({ customer_name: 'Wes', product_ids: [lamp.id] });
    expect(placed.status).toBe(202);
    trio.paymentProxy?.setRules([]);

    const res = await trio.cancelOrder(placed.body.id, { reason: 'no confirmation' }, { auth: ADMIN });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', payment_status: 'REFUNDED', cancellation_reason: 'no confirmation' });
    expect(res.body.status_history.map((change) => [change.from, change.to])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'CANCELLED'],
    ]);
    expect((await trio.getPayment(placed.body.id)).body.status).toBe('REFUNDED');
    expect(await trio.stockOf(lamp.id)).toBe(2);
  });
});

describe('after all of the above', () => {
  it('then the invariants hold', async () => {
    expect(await trio.invariantViolations(products)).toEqual([]);
  });
});
