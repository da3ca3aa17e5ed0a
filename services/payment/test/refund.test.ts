import { HOSTILE_RAW_BODIES, hostileAuthCases, oversizedBody } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, createTestPaymentApp, newOrderId, SERVICE, type TestPaymentApp } from './payment-app.js';

let t: TestPaymentApp;
beforeAll(async () => {
  t = await createTestPaymentApp();
});
afterAll(() => t.close());

async function completedPayment(amount = '50.00'): Promise<{ orderId: string; id: string }> {
  const orderId = newOrderId();
  const res = await t.charge({ order_id: orderId, amount }).expect(201);
  return { orderId, id: res.body.id };
}

const refundPath = (orderId: string) => `/api/payments/${orderId}/refund/`;

describe('POST /api/payments/{order_id}/refund/', () => {
  it('when a COMPLETED payment is refunded, then it is REFUNDED with 200 and the time of the refund', async () => {
    const { orderId, id } = await completedPayment();

    const res = await t.refund(orderId);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, order_id: orderId, amount: '50.00', status: 'REFUNDED', refunded_at: expect.any(String) });
    expect(await t.rows(orderId)).toMatchObject([{ id, status: 'REFUNDED', amountCents: 5000, refundedAt: expect.any(Date) }]);
    expect((await t.get(orderId)).body.status).toBe('REFUNDED');
  });

  it('when a refund is repeated, then the same refund comes back with 200 and nothing changes', async () => {
    const { orderId } = await completedPayment();
    const first = await t.refund(orderId).expect(200);

    const again = await t.refund(orderId);

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('when the payment FAILED, then 409 payment_not_refundable and it stays FAILED', async () => {
    const orderId = newOrderId();
    await t.charge({ order_id: orderId, amount: '0' }).expect(201);

    const res = await t.refund(orderId);

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'payment_not_refundable', error: 'A failed payment cannot be refunded' });
    expect(await t.rows(orderId)).toMatchObject([{ status: 'FAILED', refundedAt: null }]);
  });

  it('when the order has no payment, then 404 Payment not found', async () => {
    const res = await t.refund(newOrderId());

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Payment not found', code: 'payment_not_found' });
  });

  it.each(['abc', '42', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'])('when the order id is malformed (%s), then 404', async (id) => {
    const res = await t.refund(id);

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('payment_not_found');
  });

  it('when the path has no trailing slash, then it is the same endpoint', async () => {
    const { orderId } = await completedPayment();

    const res = await request(t.app).post(`/api/payments/${orderId}/refund`).set('Authorization', SERVICE);

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('REFUNDED');
  });

  it('when an admin refunds, then it is accepted like a service', async () => {
    const { orderId } = await completedPayment();

    expect((await t.refund(orderId, ADMIN)).status).toBe(200);
  });
});

describe('a refund takes no body, or a small JSON one', () => {
  it.each([
    ['no body and no content type', undefined, undefined],
    ['no body with a JSON content type', 'application/json', undefined],
    ['an empty JSON object', 'application/json', '{}'],
    ['a reason', 'application/json', '{"reason": "customer changed their mind"}'],
  ])('when the refund has %s, then it is refunded', async (_case, contentType, body) => {
    const { orderId } = await completedPayment();
    let req = request(t.app).post(refundPath(orderId)).set('Authorization', SERVICE);
    if (contentType) req = req.set('Content-Type', contentType);

    const res = await (body === undefined ? req : req.send(body));

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('REFUNDED');
  });

  it.each([
    ['an unknown field', { amount: '1.00' }, 'body'],
    ['a reason that is not a string', { reason: 5 }, 'reason'],
    ['a reason that is too long', { reason: 'x'.repeat(501) }, 'reason'],
  ])('when the body has %s, then 400 with details and the payment is not refunded', async (_case, body, field) => {
    const { orderId } = await completedPayment();

    const res = await request(t.app).post(refundPath(orderId)).set('Authorization', SERVICE).send(body);

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.details[field]).toBeDefined();
    expect(await t.rows(orderId)).toMatchObject([{ status: 'COMPLETED' }]);
  });

  const hostile = Object.entries(HOSTILE_RAW_BODIES).filter(([name]) => name !== 'an empty object');
  it.each(hostile)('when the body is %s, then 400 and the payment is not refunded', async (_case, raw) => {
    const { orderId } = await completedPayment();

    const res = await request(t.app)
      .post(refundPath(orderId))
      .set('Authorization', SERVICE)
      .set('Content-Type', 'application/json')
      .send(raw);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    expect(await t.rows(orderId)).toMatchObject([{ status: 'COMPLETED' }]);
  });

  it('when the body is over 100 kB, then 413 and the payment is not refunded', async () => {
    const { orderId } = await completedPayment();

    const res = await request(t.app)
      .post(refundPath(orderId))
      .set('Authorization', SERVICE)
      .set('Content-Type', 'application/json')
      .send(oversizedBody());

    expect(res.status).toBe(413);
    expect(await t.rows(orderId)).toMatchObject([{ status: 'COMPLETED' }]);
  });

  it('when the body is plain text, then 415 and the payment is not refunded', async () => {
    const { orderId } = await completedPayment();

    const res = await request(t.app)
      .post(refundPath(orderId))
      .set('Authorization', SERVICE)
      .set('Content-Type', 'text/plain')
      .send('refund');

    expect(res.status).toBe(415);
    expect(await t.rows(orderId)).toMatchObject([{ status: 'COMPLETED' }]);
  });
});

describe('only a service or an admin may refund', () => {
  for (const role of ['service', 'admin'] as const) {
    it.each(hostileAuthCases(role))(`when the token is forged for ${role}: %s, then 401 and nothing is refunded`, async (_case, header) => {
      const { orderId } = await completedPayment();

      const res = await t.refund(orderId, header());

      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      expect(await t.rows(orderId)).toMatchObject([{ status: 'COMPLETED' }]);
    });
  }

  it('when there is no token, then 401 with WWW-Authenticate', async () => {
    const { orderId } = await completedPayment();

    const res = await request(t.app).post(refundPath(orderId));

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(await t.rows(orderId)).toMatchObject([{ status: 'COMPLETED' }]);
  });

  it('when a customer tries, then 403 and nothing is refunded', async () => {
    const { orderId } = await completedPayment();

    const res = await t.refund(orderId, CUSTOMER);

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    expect(await t.rows(orderId)).toMatchObject([{ status: 'COMPLETED' }]);
  });
});
