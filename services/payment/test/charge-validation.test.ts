import { HOSTILE_RAW_BODIES, hostileAuthCases, oversizedBody } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER, createTestPaymentApp, newOrderId, SERVICE, type TestPaymentApp } from './payment-app.js';

let t: TestPaymentApp;
beforeAll(async () => {
  t = await createTestPaymentApp();
});
afterAll(() => t.close());

const paymentCount = () => t.deps.prisma.payment.count();

/** Sends `raw` exactly as given, with a JSON content type and a service token. */
const postRaw = (raw: string, auth = SERVICE) =>
  request(t.app).post('/api/payments/').set('Authorization', auth).set('Content-Type', 'application/json').send(raw);

describe('a charge with a bad amount is a 400 with details, never a stored row', () => {
  it.each([
    ['the string "NaN"', '"NaN"'],
    ['the string "inf"', '"inf"'],
    ['the string "Infinity"', '"Infinity"'],
    ['the string "-Infinity"', '"-Infinity"'],
    ['true', 'true'],
    ['false', 'false'],
    ['the string "1e2"', '"1e2"'],
    ['the number 12.345', '12.345'],
    ['the string "12.345"', '"12.345"'],
    ['a negative number', '-5'],
    ['a negative string', '"-0.01"'],
    ['more than the maximum', '"1000000000.00"'],
    ['just over the maximum', '"1000000.00"'],
    ['a number over the maximum', '1000000000'],
    ['a raw number too large for a double', '1e999'],
    ['a number in exponent notation that is not whole cents', '1e-7'],
    ['null', 'null'],
    ['an empty string', '""'],
    ['a string with spaces', '" 5.00"'],
    ['a string with a currency sign', '"$5.00"'],
    ['a string with a thousands separator', '"1,000.00"'],
    ['a hexadecimal string', '"0x10"'],
    ['an object', '{"value": "5.00"}'],
    ['an array', '["5.00"]'],
  ])('when the amount is %s, then 400', async (_case, amount) => {
    const before = await paymentCount();

    const res = await postRaw(`{"order_id": "${newOrderId()}", "amount": ${amount}}`);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Validation failed', code: 'validation_failed' });
    expect(res.body.details.amount).toEqual([expect.any(String)]);
    expect(await paymentCount()).toBe(before);
  });

  it('when the amount is negative, then the detail says so', async () => {
    const res = await t.charge({ order_id: newOrderId(), amount: '-5.00' });

    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ amount: ['must not be negative'] });
  });

  it('when the amount is a bare NaN token, then it is malformed JSON', async () => {
    const res = await postRaw(`{"order_id": "${newOrderId()}", "amount": NaN}`);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'Malformed JSON body', code: 'malformed_json' });
  });
});

describe('a charge with a bad order or shape is a 400 with details', () => {
  it.each([
    ['not a uuid', 'order-1'],
    ['a number', 42],
    ['an empty string', ''],
    ['a uuid with a trailing character', '6f1c1c0e-7f4e-4b8e-9c1a-2b3c4d5e6f7a0'],
    ['a uuid without dashes', '6f1c1c0e7f4e4b8e9c1a2b3c4d5e6f7a'],
    ['null', null],
    ['an object', { id: 'x' }],
  ])('when order_id is %s, then 400 on order_id', async (_case, orderId) => {
    const before = await paymentCount();

    const res = await t.charge({ order_id: orderId, amount: '5.00' });

    expect(res.status).toBe(400);
    expect(res.body.details.order_id).toEqual([expect.any(String)]);
    expect(await paymentCount()).toBe(before);
  });

  it('when both fields are missing, then each is "is required"', async () => {
    const res = await t.charge({});

    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ order_id: ['is required'], amount: ['is required'] });
  });

  it('when the amount is missing, then only the amount is reported', async () => {
    const res = await t.charge({ order_id: newOrderId() });

    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ amount: ['is required'] });
  });

  it('when an unknown field is sent, then 400 naming it and nothing is stored', async () => {
    const orderId = newOrderId();

    const res = await t.charge({ order_id: orderId, amount: '5.00', status: 'COMPLETED' });

    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ body: ['unknown field(s): status'] });
    expect(await t.rows(orderId)).toHaveLength(0);
  });

  it.each(Object.entries(HOSTILE_RAW_BODIES))('when the body is %s, then 400 and nothing is stored', async (_case, raw) => {
    const before = await paymentCount();

    const res = await postRaw(raw);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.any(String), code: expect.stringMatching(/^(malformed_json|validation_failed)$/) });
    expect(await paymentCount()).toBe(before);
  });

  it('when there is no body at all, then 400', async () => {
    const res = await request(t.app).post('/api/payments/').set('Authorization', SERVICE);

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('when the body is over 100 kB, then 413', async () => {
    const res = await postRaw(oversizedBody());

    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('when the body is not JSON, then 415 and nothing is stored', async () => {
    const before = await paymentCount();

    const res = await request(t.app)
      .post('/api/payments/')
      .set('Authorization', SERVICE)
      .set('Content-Type', 'text/plain')
      .send(`{"order_id": "${newOrderId()}", "amount": "5.00"}`);

    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
    expect(await paymentCount()).toBe(before);
  });
});

describe('only a service or an admin may charge', () => {
  for (const role of ['service', 'admin'] as const) {
    it.each(hostileAuthCases(role))(`when the token is forged for ${role}: %s, then 401 and nothing is stored`, async (_case, header) => {
      const orderId = newOrderId();

      const res = await t.charge({ order_id: orderId, amount: '5.00' }, header());

      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      expect(await t.rows(orderId)).toHaveLength(0);
    });
  }

  it('when there is no token, then 401 with WWW-Authenticate and nothing is stored', async () => {
    const orderId = newOrderId();

    const res = await request(t.app).post('/api/payments/').send({ order_id: orderId, amount: '5.00' });

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(await t.rows(orderId)).toHaveLength(0);
  });

  it('when there is no token and the body is invalid, then 401: an anonymous caller learns nothing about validation', async () => {
    const res = await request(t.app).post('/api/payments/').send({ amount: 'lots' });

    expect(res.status).toBe(401);
  });

  it('when a customer charges, then 403 and nothing is stored', async () => {
    const orderId = newOrderId();

    const res = await t.charge({ order_id: orderId, amount: '5.00' }, CUSTOMER);

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    expect(await t.rows(orderId)).toHaveLength(0);
  });
});

describe('the HTTP surface', () => {
  it.each([
    ['put', '/api/payments/', 'GET, HEAD, POST, OPTIONS'],
    ['patch', '/api/payments/', 'GET, HEAD, POST, OPTIONS'],
    ['delete', `/api/payments/${newOrderId()}/`, 'GET, HEAD, OPTIONS'],
    ['get', `/api/payments/${newOrderId()}/refund/`, 'POST, OPTIONS'],
    ['get', `/api/payments/${newOrderId()}/void/`, 'POST, OPTIONS'],
    ['delete', `/api/payments/${newOrderId()}/void/`, 'POST, OPTIONS'],
  ] as const)('when %s %s is called, then 405 with Allow', async (method, path, allow) => {
    const res = await request(t.app)[method](path).set('Authorization', SERVICE);

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.body.code).toBe('method_not_allowed');
  });

  it('when an unknown route is called, then a JSON 404', async () => {
    const res = await request(t.app).get(`/api/payments/${newOrderId()}/elsewhere/`);

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('route_not_found');
  });

  it('when /health and /ready are asked, then the service and its database answer', async () => {
    expect((await request(t.app).get('/health')).body).toEqual({ status: 'ok', service: 'payment' });
    const ready = await request(t.app).get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'ok' });
  });

  it('when /openapi.json is asked, then it documents the four operations', async () => {
    const res = await request(t.app).get('/openapi.json');

    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/payments/',
        '/api/payments/{order_id}/',
        '/api/payments/{order_id}/refund/',
        '/api/payments/{order_id}/void/',
      ]),
    );
    const { schemas } = res.body.components;
    const voidOperation = res.body.paths['/api/payments/{order_id}/void/'].post;
    expect(voidOperation.requestBody.required).toBe(false);
    expect(Object.keys(voidOperation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409']));
    expect(voidOperation.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Payment' });
    expect(schemas.Payment.properties.status.enum).toContain('VOIDED');
    expect(schemas.PaymentRequest.required).toEqual(['order_id', 'amount']);
  });

  it('when a request id is sent, then it comes back on the response', async () => {
    const res = await t.get(newOrderId()).set('X-Request-Id', 'trace-abc-123');

    expect(res.headers['x-request-id']).toBe('trace-abc-123');
  });
});
