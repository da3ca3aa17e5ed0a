import { bearer } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// Unknown query parameters are refused like unknown body fields, on every API route. The
// neighbours are unreachable: a placed order ends CANCELLED (503), which is enough here.
let t: TestOrderApp;
let orderId: string;
const ADMIN = bearer('admin', 'root');
beforeAll(async () => {
  t = await createTestOrderApp();
  orderId = (
    await request(t.app)
      .post('/api/orders/')
      .send({ customer_name: 'Q', product_ids: [1] })
  ).body.id;
});
afterAll(() => t.deps.close());

const ROUTES: Record<string, (query: string) => request.Test> = {
  'GET /api/orders/': (q) => request(t.app).get(`/api/orders/${q}`).set('Authorization', ADMIN),
  'POST /api/orders/': (q) =>
    request(t.app)
      .post(`/api/orders/${q}`)
      .send({ customer_name: 'Q', product_ids: [1] }),
  'GET /api/orders/{id}/': (q) => request(t.app).get(`/api/orders/${orderId}/${q}`),
  'POST /api/orders/{id}/cancel/': (q) => request(t.app).post(`/api/orders/${orderId}/cancel/${q}`).set('Authorization', ADMIN),
  'PATCH /api/orders/{id}/status/': (q) =>
    request(t.app).patch(`/api/orders/${orderId}/status/${q}`).set('Authorization', ADMIN).send({ status: 'SHIPPED' }),
};

describe.each(Object.entries(ROUTES))('%s', (_route, send) => {
  it('when an unknown query parameter is sent, then 400 validation_failed naming it, and no order is made or changed', async () => {
    const before = await t.deps.prisma.order.findMany({ orderBy: { id: 'asc' } });

    const res = await send('?stauts=PAID');

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', details: { stauts: [expect.any(String)] } });
    expect(await t.deps.prisma.order.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });
});

describe('GET /api/orders/ query parameters', () => {
  it.each([
    ['a misspelt filter', '?stauts=PAID', 'stauts'],
    ['a repeated status', '?status=PAID&status=PAID', 'status'],
    ['a repeated limit', '?limit=1&limit=2', 'limit'],
  ])('when it has %s, then 400 naming it (never an unfiltered list)', async (_case, query, name) => {
    const res = await request(t.app).get(`/api/orders/${query}`).set('Authorization', ADMIN);
    expect(res.status).toBe(400);
    expect(res.body.details[name]).toEqual([expect.any(String)]);
  });

  it('when the known parameters are sent once, then 200', async () => {
    expect((await request(t.app).get('/api/orders/?status=CANCELLED&limit=5&offset=0').set('Authorization', ADMIN)).status).toBe(200);
  });
});
