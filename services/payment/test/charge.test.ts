import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestPaymentApp, newOrderId, SERVICE, type TestPaymentApp } from './payment-app.js';

let t: TestPaymentApp;
beforeAll(async () => {
  t = await createTestPaymentApp();
});
afterAll(() => t.close());

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /api/payments/ charges an order once', () => {
  it('when a service charges a new order a positive amount, then the payment is COMPLETED with 201 and stored in cents', async () => {
    const orderId = newOrderId();

    const res = await t.charge({ order_id: orderId, amount: '50.00' });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/payments/${orderId}/`);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      order_id: orderId,
      amount: '50.00',
      status: 'COMPLETED',
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      refunded_at: null,
    });
    const rows = await t.rows(orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: res.body.id, amountCents: 5000, status: 'COMPLETED', refundedAt: null });
  });

  it('when the amount is zero, then the payment is recorded as FAILED with 201', async () => {
    const orderId = newOrderId();

    const res = await t.charge({ order_id: orderId, amount: '0.00' });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ order_id: orderId, amount: '0.00', status: 'FAILED' });
    expect(await t.rows(orderId)).toMatchObject([{ amountCents: 0, status: 'FAILED' }]);
  });

  it('when an admin charges, then it is accepted like a service', async () => {
    const res = await t.charge({ order_id: newOrderId(), amount: '1.00' }, ADMIN);

    expect(res.status).toBe(201);
    expect(res.body.status).toBe('COMPLETED');
  });

  it.each([
    ['a number', 50, '50.00', 5000],
    ['a number with cents', 19.99, '19.99', 1999],
    ['a number with one decimal', 0.1, '0.10', 10],
    ['a whole-number string', '7', '7.00', 700],
    ['a string with one decimal', '7.5', '7.50', 750],
    ['the smallest amount', '0.01', '0.01', 1],
    ['the largest amount', '999999.99', '999999.99', 99_999_999],
  ])('when the amount is %s, then it is charged exactly', async (_case, amount, shown, cents) => {
    const orderId = newOrderId();

    const res = await t.charge({ order_id: orderId, amount });

    expect(res.status).toBe(201);
    expect(res.body.amount).toBe(shown);
    expect(await t.rows(orderId)).toMatchObject([{ amountCents: cents }]);
  });

  it('when the amount is the raw JSON number 1e2, then it is 100.00 (JSON cannot tell it from 100)', async () => {
    const orderId = newOrderId();

    const res = await request(t.app)
      .post('/api/payments/')
      .set('Authorization', SERVICE)
      .set('Content-Type', 'application/json')
      .send(`{"order_id": "${orderId}", "amount": 1e2}`);

    expect(res.status).toBe(201);
    expect(res.body.amount).toBe('100.00');
  });

  it('when the order id is in capitals, then it is the same order, stored in lower case', async () => {
    const orderId = newOrderId();

    const first = await t.charge({ order_id: orderId.toUpperCase(), amount: '5.00' });
    const again = await t.charge({ order_id: orderId, amount: '5.00' });

    expect(first.status).toBe(201);
    expect(first.body.order_id).toBe(orderId);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await t.get(orderId.toUpperCase())).body.id).toBe(first.body.id);
  });

  it('when the path has no trailing slash, then it is the same endpoint', async () => {
    const res = await request(t.app).post('/api/payments').set('Authorization', SERVICE).send({ order_id: newOrderId(), amount: '3.00' });

    expect(res.status).toBe(201);
  });
});

describe('a repeated charge never charges twice', () => {
  it('when a COMPLETED order is charged again with the same amount, then the same payment comes back with 200 and nothing changes', async () => {
    const orderId = newOrderId();
    const first = await t.charge({ order_id: orderId, amount: '50.00' });

    const again = await t.charge({ order_id: orderId, amount: 50 });

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await t.rows(orderId)).toHaveLength(1);
  });

  it('when a COMPLETED order is charged again with another amount, then 409 payment_amount_mismatch and the payment is unchanged', async () => {
    const orderId = newOrderId();
    const first = await t.charge({ order_id: orderId, amount: '50.00' });

    const again = await t.charge({ order_id: orderId, amount: '60.00' });

    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'payment_amount_mismatch', payment_id: first.body.id, order_id: orderId });
    expect(again.body.error).toContain('50.00');
    expect(await t.rows(orderId)).toMatchObject([{ id: first.body.id, amountCents: 5000, status: 'COMPLETED' }]);
  });

  it('when a FAILED order is charged again, then it is processed again in place: 201, same id, new amount and status', async () => {
    const orderId = newOrderId();
    const failed = await t.charge({ order_id: orderId, amount: '0' });

    const retried = await t.charge({ order_id: orderId, amount: '42.10' });

    expect(failed.body.status).toBe('FAILED');
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: failed.body.id, amount: '42.10', status: 'COMPLETED', created_at: failed.body.created_at });
    expect(Date.parse(retried.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(failed.body.updated_at));
    expect(await t.rows(orderId)).toMatchObject([{ id: failed.body.id, amountCents: 4210, status: 'COMPLETED' }]);
  });

  it('when a FAILED order fails again, then it stays one FAILED payment', async () => {
    const orderId = newOrderId();
    const failed = await t.charge({ order_id: orderId, amount: '0' });

    const again = await t.charge({ order_id: orderId, amount: '0.00' });

    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: failed.body.id, status: 'FAILED' });
    expect(await t.rows(orderId)).toHaveLength(1);
  });

  it.each([
    ['the same amount', '50.00'],
    ['another amount', '70.00'],
  ])('when a REFUNDED order is charged again with %s, then 409 payment_refunded and nothing is charged', async (_case, amount) => {
    const orderId = newOrderId();
    const first = await t.charge({ order_id: orderId, amount: '50.00' });
    await t.refund(orderId).expect(200);

    const again = await t.charge({ order_id: orderId, amount });

    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'payment_refunded', payment_id: first.body.id });
    expect(await t.rows(orderId)).toMatchObject([{ id: first.body.id, amountCents: 5000, status: 'REFUNDED' }]);
  });
});

describe('GET /api/payments/{order_id}/ reads a payment without a token', () => {
  it('when the order has a payment, then it is returned, with and without the trailing slash', async () => {
    const orderId = newOrderId();
    const charged = await t.charge({ order_id: orderId, amount: '12.34' });

    const withSlash = await request(t.app).get(`/api/payments/${orderId}/`);
    const withoutSlash = await request(t.app).get(`/api/payments/${orderId}`);

    expect(withSlash.status).toBe(200);
    expect(withSlash.body).toEqual(charged.body);
    expect(withoutSlash.status).toBe(200);
    expect(withoutSlash.body).toEqual(charged.body);
  });

  it('when the order has no payment, then 404 Payment not found', async () => {
    const res = await t.get(newOrderId());

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Payment not found', code: 'payment_not_found' });
  });

  it.each([
    'abc',
    '123',
    'not-a-uuid-at-all',
    '00000000-0000-0000-0000-00000000000g',
    '00000000-0000-0000-0000-0000000000000',
    `${'a'.repeat(300)}`,
    '%00',
    "1' OR '1'='1",
  ])('when the order id is malformed (%s), then 404, never 400 or 500', async (id) => {
    const res = await request(t.app).get(`/api/payments/${encodeURIComponent(id)}/`);

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Payment not found', code: 'payment_not_found' });
  });

  it('when a reader sends an invalid token, then 401 rather than an anonymous read', async () => {
    const orderId = newOrderId();
    await t.charge({ order_id: orderId, amount: '1.00' });

    const res = await request(t.app).get(`/api/payments/${orderId}/`).set('Authorization', 'Bearer not-a-jwt');

    expect(res.status).toBe(401);
  });
});
