import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTrio, type Trio } from './harness.js';

// A TCP proxy between the order and payment services loses requests or answers on purpose. Only the
// hanging charges wait for the timeout; it leaves the lookups and voids room on a busy machine.
let trio: Trio;
beforeAll(async () => {
  trio = await startTrio({ proxyPayment: true, orderEnv: { UPSTREAM_TIMEOUT_MS: '1500' } });
});
afterEach(() => trio.paymentProxy?.setRules([]));
afterAll(() => trio?.stop());

// The charge only: voids (POST /api/payments/{id}/void/) and refunds pass.
const CHARGE = { method: 'POST', path: /^\/api\/payments\/?$/ };
const LOOKUP = { method: 'GET', path: '/api/payments/' };

describe('when the answers to a charge are lost', () => {
  it('and the payment can be looked up, then the order is PAID on the payment service’s record, charged once', async () => {
    const product = await trio.createProduct({ price: '8.00', stock: 2 });
    trio.paymentProxy?.setRules([{ ...CHARGE, fault: { kind: 'drop-response' } }]);

    const res = await trio.createOrder({ customer_name: 'Jo', product_ids: [product.id] });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'PAID', payment_status: 'COMPLETED' });
    expect((await trio.getPayment(res.body.id)).body).toMatchObject({ status: 'COMPLETED', amount: '8.00' });
    expect(await trio.stockOf(product.id)).toBe(1);
  });

  it('and the lookup fails too, then 202 payment_pending: the order stays PENDING and keeps its stock', async () => {
    const product = await trio.createProduct({ price: '8.00', stock: 2 });
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'drop-response' } },
      { ...LOOKUP, fault: { kind: 'reset' } },
    ]);

    const res = await trio.createOrder({ customer_name: 'Kim', product_ids: [product.id] });

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'PENDING', code: 'payment_pending', payment_status: null, cancellation_reason: null });
    expect(res.body.error).toEqual(expect.any(String));
    expect(res.body.status_history.map((change) => change.to)).toEqual(['PENDING']);
    // It was charged; it must not be cancelled, and its stock stays reserved for it.
    expect((await trio.getPayment(res.body.id)).body.status).toBe('COMPLETED');
    expect((await trio.getOrder(res.body.id)).body.status).toBe('PENDING');
    expect(await trio.stockOf(product.id)).toBe(1);
  });

  it('and the charge never reached the payment service, then the lookup finds nothing and the payment is voided: 503, CANCELLED, stock back', async () => {
    const product = await trio.createProduct({ price: '8.00', stock: 2 });
    trio.paymentProxy?.setRules([{ ...CHARGE, fault: { kind: 'reset' } }]);

    const res = await trio.createOrder({ customer_name: 'Lou', product_ids: [product.id] });

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'CANCELLED', code: 'payment_service_unavailable', payment_status: null });
    // A reset request may have arrived: before deciding "not charged", the order service voided the payment.
    expect((await trio.getPayment(res.body.id)).body).toMatchObject({ status: 'VOIDED', amount: '0.00' });
    expect(await trio.stockOf(product.id)).toBe(2);
  });

  it('and the void cannot get through either, then 202 payment_pending: PENDING, its stock kept', async () => {
    const product = await trio.createProduct({ price: '8.00', stock: 2 });
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'reset' } },
      { method: 'POST', path: /\/void\/?$/, fault: { kind: 'reset' } },
    ]);

    const res = await trio.createOrder({ customer_name: 'Lee', product_ids: [product.id] });

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'PENDING', code: 'payment_pending', payment_status: null });
    expect((await trio.getPayment(res.body.id)).status).toBe(404);
    expect(await trio.stockOf(product.id)).toBe(1);
    // Recovery decides it later; here it is cancelled by hand, which voids the payment and gives the stock back.
    trio.paymentProxy?.setRules([]);
    const cancelled = await trio.cancelOrder(res.body.id, undefined, { auth: ADMIN });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', payment_status: null });
    expect((await trio.getPayment(res.body.id)).body.status).toBe('VOIDED');
    expect(await trio.stockOf(product.id)).toBe(2);
  });

  it('and every charge attempt hangs until the timeout, then the lookup and the void decide: nothing charged, CANCELLED, stock back', async () => {
    const product = await trio.createProduct({ price: '8.00', stock: 2 });
    trio.paymentProxy?.setRules([{ ...CHARGE, fault: { kind: 'hang' } }]);

    const res = await trio.createOrder({ customer_name: 'Max', product_ids: [product.id] });

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'CANCELLED', code: 'payment_service_unavailable' });
    expect(trio.paymentProxy?.requests.filter((r) => r.method === 'POST' && r.fault === 'hang')).toHaveLength(3);
    expect((await trio.getPayment(res.body.id)).body.status).toBe('VOIDED');
    expect(await trio.stockOf(product.id)).toBe(2);
  });
});
