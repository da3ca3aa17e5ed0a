import { bearer, waitFor } from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, call, startTrio, type Trio } from './harness.js';

// Contract step 6 while the service runs: its recovery job passes every 250 ms and finishes what an
// outage left behind once the neighbour answers again. Proxies in front of both neighbours make
// the outages; PENDING orders are left alone for 1.5 s (the grace period).
let trio: Trio;
const products: { id: number; initialStock: number }[] = [];
beforeAll(async () => {
  trio = await startTrio({
    proxyProduct: true,
    proxyPayment: true,
    orderEnv: { UPSTREAM_TIMEOUT_MS: '5000', RECOVERY_INTERVAL_MS: '250', RECOVERY_GRACE_MS: '1500' },
  });
});
afterEach(() => {
  trio.productProxy?.setRules([]);
  trio.paymentProxy?.setRules([]);
});
afterAll(() => trio?.stop());

const CHARGE = { method: 'POST', path: /^\/api\/payments\/?$/ } as const;
const LOOKUP = { method: 'GET', path: '/api/payments/' } as const;
const REFUND = { method: 'POST', path: /\/refund\/?$/ } as const;
const RELEASE = { method: 'POST', path: /^\/api\/products\/reservations\/[^/]+\/void\/?$/ } as const;

async function product(price: string, stock: number) {
  const created = await trio.createProduct({ price, stock });
  products.push({ id: created.id, initialStock: stock });
  return created;
}

const recoveryLogs = (msg: string, orderId: string) =>
  trio.logsWith('order', msg).filter((line) => line.order_id === orderId && line.job === 'recovery');

describe('when releasing the stock of a cancelled order failed', () => {
  it('then the job releases it once the product service answers; a charge arriving late was refused', async () => {
    const clock = await product('45.00', 3);
    trio.productProxy?.setRules([{ ...RELEASE, fault: { kind: 'reset' } }]);
    trio.paymentProxy?.setRules([{ ...CHARGE, fault: { kind: 'reset' } }]);

    const res = await trio.createOrder({ customer_name: 'Xia', items: [{ product_id: clock.id, quantity: 2 }] });

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'CANCELLED', code: 'payment_service_unavailable' });
    expect(await trio.stockOf(clock.id)).toBe(1);
    // The charge that was lost on the way arrives after all, after the order was cancelled: the order
    // service voided the payment before cancelling, so it is refused and nothing is charged.
    const late = await call('POST', `${trio.payment.url}/api/payments/`, { order_id: res.body.id, amount: '90.00' }, { auth: ADMIN });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'payment_voided' });

    trio.productProxy?.setRules([]);
    trio.paymentProxy?.setRules([]);

    await waitFor(async () => (await trio.stockOf(clock.id)) === 3);
    await waitFor(() => recoveryLogs('reservation released', res.body.id).length === 1);
    const order = (await trio.getOrder(res.body.id)).body;
    expect(order).toMatchObject({ status: 'CANCELLED', payment_status: null });
    expect(order.status_history.map((change) => change.to)).toEqual(['PENDING', 'CANCELLED']);
    expect((await trio.getPayment(res.body.id)).body).toMatchObject({ status: 'VOIDED', amount: '0.00' });
    expect(recoveryLogs('payment refunded', res.body.id)).toHaveLength(0);
  });
});

describe('when the refund of a cancelled order could not get through', () => {
  it('then the job refunds it once the payment service answers', async () => {
    const radio = await product('60.00', 2);
    const sub = 'yan';
    const placed = await trio.createOrder({ customer_name: 'Yan', product_ids: [radio.id] }, { auth: bearer('customer', sub) });
    expect(placed.status).toBe(201);
    trio.paymentProxy?.setRules([{ ...REFUND, fault: { kind: 'reset' } }]);

    const cancelled = await trio.cancelOrder(placed.body.id, {}, { auth: bearer('customer', sub) });

    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', payment_status: 'COMPLETED', code: 'refund_pending' });
    expect(await trio.stockOf(radio.id)).toBe(2);
    expect((await trio.getPayment(placed.body.id)).body.status).toBe('COMPLETED');

    trio.paymentProxy?.setRules([]);

    await waitFor(async () => (await trio.getPayment(placed.body.id)).body.status === 'REFUNDED');
    await waitFor(async () => (await trio.getOrder(placed.body.id, { auth: ADMIN })).body.payment_status === 'REFUNDED');
    expect(recoveryLogs('payment refunded', placed.body.id)).toHaveLength(1);
  });
});

describe('when an order was left PENDING because its payment could not be confirmed', () => {
  it('then it stays PENDING through the grace period, and the job then completes it from the payment record', async () => {
    const fan = await product('20.00', 2);
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'drop-response' } },
      { ...LOOKUP, fault: { kind: 'reset' } },
    ]);

    const placed = await trio.createOrder({ customer_name: 'Zed', product_ids: [fan.id] });
    trio.paymentProxy?.setRules([]);

    expect(placed.status).toBe(202);
    expect((await trio.getOrder(placed.body.id)).body.status).toBe('PENDING');
    const paid = await waitFor(async () => {
      const read = await trio.getOrder(placed.body.id);
      return read.body.status === 'PAID' && read.body;
    });
    expect(Date.parse(paid.updated_at) - Date.parse(paid.created_at)).toBeGreaterThanOrEqual(1500);
    expect(paid.status_history.at(-1)).toMatchObject({ from: 'PENDING', to: 'PAID', by: 'system' });
    expect(paid.payment_status).toBe('COMPLETED');
    expect(await trio.stockOf(fan.id)).toBe(1);
  });
});

describe('when an order takes longer than the grace period to be placed', () => {
  it('then the job leaves it to its workflow: it ends PAID, decided once', async () => {
    const oven = await product('150.00', 2);
    trio.paymentProxy?.setRules([{ ...CHARGE, fault: { kind: 'delay', ms: 2500 }, times: 1 }]);

    const placed = await trio.createOrder({ customer_name: 'Abe', product_ids: [oven.id] });

    expect(placed.status).toBe(201);
    expect(placed.body.status_history.map((change) => [change.to, change.by])).toEqual([
      ['PENDING', 'system'],
      ['PAID', 'system'],
    ]);
    expect(placed.body.status_history.at(-1)?.reason).toBeNull();
    expect(trio.logsWith('order', 'recovery pass finished').some((line) => Number(line.skipped) > 0)).toBe(true);
    expect(await trio.stockOf(oven.id)).toBe(1);
  });
});

describe('after all of the above', () => {
  it('then the invariants hold', async () => {
    expect(await trio.invariantViolations(products)).toEqual([]);
  });
});
