import { HOSTILE_RAW_BODIES, hostileAuthCases, oversizedBody } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, createTestPaymentApp, newOrderId, SERVICE, type TestPaymentApp } from './payment-app.js';

let t: TestPaymentApp;
beforeAll(async () => {
  t = await createTestPaymentApp();
});
afterAll(() => t.close());

const voidPath = (orderId: string) => `/api/payments/${orderId}/void/`;

async function paymentWith(amount: string): Promise<{ orderId: string; id: string }> {
  const orderId = newOrderId();
  const res = await t.charge({ order_id: orderId, amount }).expect(201);
  return { orderId, id: res.body.id };
}

describe('POST /api/payments/{order_id}/void/', () => {
  it('when the order has no payment, then a VOIDED tombstone of 0.00 is stored and answered with 200', async () => {
    const orderId = newOrderId();

    const res = await t.void(orderId);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      order_id: orderId,
      amount: '0.00',
      status: 'VOIDED',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      refunded_at: null,
    });
    expect(await t.rows(orderId)).toMatchObject([{ id: res.body.id, status: 'VOIDED', amountCents: 0, refundedAt: null }]);
  });

  it('when a voided payment is read, then GET shows the VOIDED record', async () => {
    const orderId = newOrderId();
    const voided = await t.void(orderId).expect(200);

    const res = await t.get(orderId);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(voided.body);
  });

  it('when a void is repeated, then the same void comes back with 200 and nothing changes', async () => {
    const orderId = newOrderId();
    const first = await t.void(orderId).expect(200);

    const again = await t.void(orderId);

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await t.rows(orderId)).toHaveLength(1);
  });

  it('when the payment FAILED, then it becomes VOIDED in place (same id, its amount kept) with 200', async () => {
    const { orderId, id } = await paymentWith('0');

    const res = await t.void(orderId);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, order_id: orderId, amount: '0.00', status: 'VOIDED' });
    expect(await t.rows(orderId)).toMatchObject([{ id, status: 'VOIDED' }]);
  });

  it('when the payment is COMPLETED, then 409 payment_completed with the payment, and it stays COMPLETED', async () => {
    const { orderId, id } = await paymentWith('42.50');

    const res = await t.void(orderId);

    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: 'The order was charged; a completed payment cannot be voided (refund it instead)',
      code: 'payment_completed',
      payment_id: id,
      order_id: orderId,
      amount: '42.50',
      status: 'COMPLETED',
    });
    expect(await t.rows(orderId)).toMatchObject([{ id, status: 'COMPLETED', amountCents: 4250 }]);
  });

  it('when the payment was REFUNDED, then 409 payment_refunded with the payment, and it stays REFUNDED', async () => {
    const { orderId, id } = await paymentWith('10.00');
    await t.refund(orderId).expect(200);

    const res = await t.void(orderId);

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'payment_refunded', payment_id: id, order_id: orderId, amount: '10.00', status: 'REFUNDED' });
    expect(await t.rows(orderId)).toMatchObject([{ id, status: 'REFUNDED' }]);
  });

  it.each(['abc', '42', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'])(
    'when the order id is malformed (%s), then 404 and nothing is stored',
    async (id) => {
      const before = await t.deps.prisma.payment.count();

      const res = await t.void(id);

      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Payment not found', code: 'payment_not_found' });
      expect(await t.deps.prisma.payment.count()).toBe(before);
    },
  );

  it('when the order id is in capitals, then the void is stored under the lower-case id', async () => {
    const orderId = newOrderId();

    const res = await t.void(orderId.toUpperCase());

    expect(res.status).toBe(200);
    expect(res.body.order_id).toBe(orderId);
    expect(await t.rows(orderId)).toHaveLength(1);
  });

  it('when the path has no trailing slash, then it is the same endpoint', async () => {
    const orderId = newOrderId();

    const res = await request(t.app).post(`/api/payments/${orderId}/void`).set('Authorization', SERVICE);

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('VOIDED');
  });

  it('when an admin voids, then it is accepted like a service', async () => {
    expect((await t.void(newOrderId(), ADMIN)).status).toBe(200);
  });
});

describe('after a void, nothing can be charged or refunded', () => {
  it.each([
    ['the same amount', '50.00'],
    ['zero', '0'],
  ])('when a charge of %s arrives after the void, then 409 payment_voided and nothing is stored', async (_case, amount) => {
    const orderId = newOrderId();
    const voided = await t.void(orderId).expect(200);

    const res = await t.charge({ order_id: orderId, amount });

    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: 'The payment of this order was voided; nothing was charged',
      code: 'payment_voided',
      payment_id: voided.body.id,
      order_id: orderId,
    });
    expect(await t.rows(orderId)).toMatchObject([{ id: voided.body.id, status: 'VOIDED', amountCents: 0 }]);
  });

  it('when a FAILED payment was voided and the charge is repeated, then 409 payment_voided: it is not processed again', async () => {
    const { orderId, id } = await paymentWith('0');
    await t.void(orderId).expect(200);

    const res = await t.charge({ order_id: orderId, amount: '25.00' });

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('payment_voided');
    expect(await t.rows(orderId)).toMatchObject([{ id, status: 'VOIDED' }]);
  });

  it('when a voided payment is refunded, then 409 payment_not_refundable with its status', async () => {
    const orderId = newOrderId();
    const voided = await t.void(orderId).expect(200);

    const res = await t.refund(orderId);

    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: 'A voided payment cannot be refunded; nothing was charged',
      code: 'payment_not_refundable',
      payment_id: voided.body.id,
      order_id: orderId,
      status: 'VOIDED',
    });
    expect(await t.rows(orderId)).toMatchObject([{ status: 'VOIDED', refundedAt: null }]);
  });
});

describe('a void takes no body, or a small JSON one', () => {
  it.each([
    ['no body and no content type', undefined, undefined],
    ['no body with a JSON content type', 'application/json', undefined],
    ['an empty JSON object', 'application/json', '{}'],
    ['a reason', 'application/json', '{"reason": "charge timed out; not charged"}'],
  ])('when the void has %s, then it is voided', async (_case, contentType, body) => {
    const orderId = newOrderId();
    let req = request(t.app).post(voidPath(orderId)).set('Authorization', SERVICE);
    if (contentType) req = req.set('Content-Type', contentType);

    const res = await (body === undefined ? req : req.send(body));

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('VOIDED');
  });

  it.each([
    ['an unknown field', { amount: '1.00' }, 'body'],
    ['a reason that is not a string', { reason: 5 }, 'reason'],
    ['a reason that is too long', { reason: 'x'.repeat(501) }, 'reason'],
  ])('when the body has %s, then 400 with details and nothing is stored', async (_case, body, field) => {
    const orderId = newOrderId();

    const res = await request(t.app).post(voidPath(orderId)).set('Authorization', SERVICE).send(body);

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.details[field]).toBeDefined();
    expect(await t.rows(orderId)).toHaveLength(0);
  });

  it('when the body is invalid for a FAILED payment, then 400 and it stays FAILED', async () => {
    const { orderId } = await paymentWith('0');

    const res = await request(t.app).post(voidPath(orderId)).set('Authorization', SERVICE).send({ status: 'VOIDED' });

    expect(res.status).toBe(400);
    expect(await t.rows(orderId)).toMatchObject([{ status: 'FAILED' }]);
  });

  const hostile = Object.entries(HOSTILE_RAW_BODIES).filter(([name]) => name !== 'an empty object');
  it.each(hostile)('when the body is %s, then 400 and nothing is stored', async (_case, raw) => {
    const orderId = newOrderId();

    const res = await request(t.app)
      .post(voidPath(orderId))
      .set('Authorization', SERVICE)
      .set('Content-Type', 'application/json')
      .send(raw);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    expect(await t.rows(orderId)).toHaveLength(0);
  });

  it('when the body is over 100 kB, then 413 and nothing is stored', async () => {
    const orderId = newOrderId();

    const res = await request(t.app)
      .post(voidPath(orderId))
      .set('Authorization', SERVICE)
      .set('Content-Type', 'application/json')
      .send(oversizedBody());

    expect(res.status).toBe(413);
    expect(await t.rows(orderId)).toHaveLength(0);
  });

  it('when the body is plain text, then 415 and nothing is stored', async () => {
    const orderId = newOrderId();

    const res = await request(t.app).post(voidPath(orderId)).set('Authorization', SERVICE).set('Content-Type', 'text/plain').send('void');

    expect(res.status).toBe(415);
    expect(await t.rows(orderId)).toHaveLength(0);
  });
});

describe('only a service or an admin may void', () => {
  for (const role of ['service', 'admin'] as const) {
    it.each(hostileAuthCases(role))(`when the token is forged for ${role}: %s, then 401 and nothing is stored`, async (_case, header) => {
      const orderId = newOrderId();

      const res = await t.void(orderId, header());

      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      expect(await t.rows(orderId)).toHaveLength(0);
    });
  }

  it('when there is no token, then 401 with WWW-Authenticate', async () => {
    const orderId = newOrderId();

    const res = await request(t.app).post(voidPath(orderId));

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(await t.rows(orderId)).toHaveLength(0);
  });

  it('when a customer tries, then 403 and nothing is stored, not even over a FAILED payment', async () => {
    const orderId = newOrderId();
    const { orderId: failedOrder } = await paymentWith('0');

    const res = await t.void(orderId, CUSTOMER);
    const failed = await t.void(failedOrder, CUSTOMER);

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    expect(failed.status).toBe(403);
    expect(await t.rows(orderId)).toHaveLength(0);
    expect(await t.rows(failedOrder)).toMatchObject([{ status: 'FAILED' }]);
  });
});
