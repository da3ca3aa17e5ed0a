import { waitFor } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';

// Each charge is stored at once but answered 3 s later, after the order service gave up on it (its
// payment timeout, 1 s; the lookup that follows must answer within it). Reservations are held 1.5 s by a
// proxy: longer than the payment timeout, well within the product timeout (the shared UPSTREAM_TIMEOUT_MS),
// which a short payment timeout leaves alone.
let trio: Trio;
beforeAll(async () => {
  trio = await startTrio({
    paymentEnv: { PAYMENT_LATENCY_MS: '3000' },
    orderEnv: { UPSTREAM_TIMEOUT_MS: '5000', PAYMENT_TIMEOUT_MS: '1000' },
    proxyProduct: true,
  });
  trio.productProxy?.setRules([{ method: 'POST', path: '/api/products/reservations/', fault: { kind: 'delay', ms: 1500 } }]);
});
afterAll(() => trio?.stop());

describe('when the payment service answers after the order service timed out', () => {
  it('then the payment service’s record decides: PAID (never CANCELLED), one completed payment, its stock taken', async () => {
    const product = await trio.createProduct({ price: '30.00', stock: 3 });

    const res = await trio.createOrder({ customer_name: 'Ivy', product_ids: [product.id] });

    // The payment service's own record decides: it holds a completed payment, so the order is paid.
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'PAID', payment_status: 'COMPLETED', total_amount: '30.00' });
    const payment = await trio.getPayment(res.body.id);
    expect(payment.body).toMatchObject({ status: 'COMPLETED', amount: '30.00' });
    expect(await trio.stockOf(product.id)).toBe(2);
    const retries = await waitFor(() => trio.logsWith('order', 'retrying charge').length >= 2 && trio.logsWith('order', 'retrying charge'));
    expect(retries.map((line) => line.reason)).toEqual(['timeout (ETIMEDOUT)', 'timeout (ETIMEDOUT)']);
    // The slow reservation was waited for: no retry of it.
    expect(trio.logsWith('order', 'retrying reserve stock')).toEqual([]);
    expect(trio.productProxy?.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
