import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPaymentApp, newOrderId, SERVICE, type TestPaymentApp } from './payment-app.js';

// Unknown query parameters are refused like unknown body fields, on every API route.
let t: TestPaymentApp;
let charged: string;
beforeAll(async () => {
  t = await createTestPaymentApp();
  charged = newOrderId();
  await t.charge({ order_id: charged, amount: '5.00' }).expect(201);
});
afterAll(() => t.close());

const ROUTES: Record<string, (query: string) => request.Test> = {
  'GET /api/payments/': (q) => request(t.app).get(`/api/payments/${q}`).set('Authorization', SERVICE),
  'POST /api/payments/': (q) =>
    request(t.app).post(`/api/payments/${q}`).set('Authorization', SERVICE).send({ order_id: newOrderId(), amount: '1.00' }),
  'GET /api/payments/{order_id}/': (q) => request(t.app).get(`/api/payments/${charged}/${q}`),
  'POST /api/payments/{order_id}/refund/': (q) => request(t.app).post(`/api/payments/${charged}/refund/${q}`).set('Authorization', SERVICE),
  'POST /api/payments/{order_id}/void/': (q) =>
    request(t.app).post(`/api/payments/${newOrderId()}/void/${q}`).set('Authorization', SERVICE),
};

describe.each(Object.entries(ROUTES))('%s', (_route, send) => {
  it.each([
    ['an unknown parameter', '?amount=1.00', 'amount'],
    ['a repeated unknown parameter', '?x=1&x=2', 'x'],
  ])('when the query has %s, then 400 validation_failed naming it, and nothing is stored', async (_case, query, name) => {
    const before = await t.deps.prisma.payment.findMany({ orderBy: { id: 'asc' } });

    const res = await send(query);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
    expect(res.body.details[name]).toEqual([expect.any(String)]);
    expect(await t.deps.prisma.payment.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });
});
