import { waitFor } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';

// Each charge is stored at once but answered 3 s later, after the order service gave up on it (1 s;
// the lookup that follows must answer within it).
let trio: Trio;
beforeAll(async () => {
  trio = await startTrio({ paymentEnv: { PAYMENT_LATENCY_MS: '3000' }, orderEnv: { UPSTREAM_TIMEOUT_MS: '1000' } });
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
  });
});
