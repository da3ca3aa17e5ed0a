import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';

describe('when the payment service is stopped', () => {
  let trio: Trio;
  beforeAll(async () => {
    trio = await startTrio();
    await trio.payment.stop();
  });
  afterAll(() => trio?.stop());

  it('then 503 payment_service_unavailable, the order is recorded CANCELLED and the stock comes back', async () => {
    const product = await trio.createProduct({ price: '15.00', stock: 3 });

    const res = await trio.createOrder({ customer_name: 'Ned', items: [{ product_id: product.id, quantity: 2 }] });

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      status: 'CANCELLED',
      error: 'Payment service unavailable',
      code: 'payment_service_unavailable',
      cancellation_reason: 'Payment service unavailable',
      total_amount: '30.00',
      payment_status: null,
    });
    expect((await trio.getOrder(res.body.id)).body).toMatchObject({ status: 'CANCELLED' });
    expect(await trio.stockOf(product.id)).toBe(3);
  });
});

describe('when the product service is stopped', () => {
  let trio: Trio;
  beforeAll(async () => {
    trio = await startTrio();
    await trio.product.stop();
  });
  afterAll(() => trio?.stop());

  it('then 503 product_service_unavailable and the order is recorded CANCELLED with the requested items', async () => {
    const res = await trio.createOrder({ customer_name: 'Oz', product_ids: [1, 2, 2] });

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      status: 'CANCELLED',
      error: 'Product service unavailable',
      code: 'product_service_unavailable',
      total_amount: null,
      items: [
        { product_id: 1, quantity: 1, name: null, unit_price: null },
        { product_id: 2, quantity: 2, name: null, unit_price: null },
      ],
    });
    expect((await trio.getOrder(res.body.id)).body).toMatchObject({ status: 'CANCELLED', customer_name: 'Oz' });
  });

  it('then /ready stays 200 (its database answers) and reports the product service unavailable', async () => {
    const res = await fetch(`${trio.order.url}/ready`);

    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: unknown }).checks).toEqual({
      database: 'ok',
      product_service: 'unavailable',
      payment_service: 'ok',
    });
  });
});
