import { randomUUID } from 'node:crypto';
import { bearer } from '@order-system/testing';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProductApp, type TestProductApp } from './product-app.js';

// Unknown query parameters are refused like unknown body fields, on every API route.
const ADMIN = bearer('admin');
let t: TestProductApp;
let productId: number;
beforeAll(async () => {
  t = await createTestProductApp();
  productId = (await request(t.app).post('/api/products/').set('Authorization', ADMIN).send({ name: 'Q', price: '1.00', stock: 9 })).body
    .id;
});

type Send = (query: string) => request.Test;
const ROUTES: Record<string, Send> = {
  'GET /api/products/': (q) => request(t.app).get(`/api/products/${q}`),
  'POST /api/products/': (q) =>
    request(t.app).post(`/api/products/${q}`).set('Authorization', ADMIN).send({ name: 'N', price: '1.00', stock: 1 }),
  'GET /api/products/{id}/': (q) => request(t.app).get(`/api/products/${productId}/${q}`),
  'PUT /api/products/{id}/': (q) =>
    request(t.app).put(`/api/products/${productId}/${q}`).set('Authorization', ADMIN).send({ name: 'Q', price: '1.00', stock: 9 }),
  'PATCH /api/products/{id}/': (q) =>
    request(t.app).patch(`/api/products/${productId}/${q}`).set('Authorization', ADMIN).send({ stock: 9 }),
  'DELETE /api/products/{id}/': (q) => request(t.app).delete(`/api/products/${productId}/${q}`).set('Authorization', ADMIN),
  'POST /api/products/reservations/': (q) =>
    request(t.app)
      .post(`/api/products/reservations/${q}`)
      .set('Authorization', ADMIN)
      .send({ reservation_id: randomUUID(), items: [{ product_id: productId, quantity: 1 }] }),
  'DELETE /api/products/reservations/{id}/': (q) =>
    request(t.app).delete(`/api/products/reservations/${randomUUID()}/${q}`).set('Authorization', ADMIN),
  'POST /api/products/reservations/{id}/void/': (q) =>
    request(t.app).post(`/api/products/reservations/${randomUUID()}/void/${q}`).set('Authorization', ADMIN),
  'POST /api/token/': (q) => request(t.app).post(`/api/token/${q}`).send({ username: 'admin', password: 'correct-horse-battery' }),
  'POST /api/token/refresh/': (q) => request(t.app).post(`/api/token/refresh/${q}`).send({ refresh: 'x.y.z' }),
};

describe.each(Object.entries(ROUTES))('%s', (_route, send) => {
  it('when an unknown query parameter is sent, then 400 validation_failed naming it, and nothing is done', async () => {
    const before = await t.deps.prisma.product.findMany({ orderBy: { id: 'asc' } });

    const res = await send('?stauts=PAID');

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', details: { stauts: [expect.any(String)] } });
    expect(await t.deps.prisma.product.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    expect(await t.deps.prisma.reservation.count()).toBe(0);
  });
});

describe('GET /api/products/ query parameters', () => {
  it.each([
    ['a repeated limit', '?limit=1&limit=2', 'limit'],
    ['a repeated offset', '?offset=0&offset=0', 'offset'],
    ['a known and an unknown parameter', '?limit=5&page=2', 'page'],
    ['a parameter without a name', '?=5', ''],
    ['a bare parameter', '?debug', 'debug'],
  ])('when it has %s, then 400 naming it', async (_case, query, name) => {
    const res = await request(t.app).get(`/api/products/${query}`);
    expect(res.status).toBe(400);
    expect(res.body.details[name]).toEqual([expect.any(String)]);
  });

  it('when only known parameters are sent once, then 200', async () => {
    expect((await request(t.app).get('/api/products/?limit=5&offset=0')).status).toBe(200);
    expect((await request(t.app).get(`/api/products/?ids=${productId}&limit=5&offset=0`)).status).toBe(200);
  });
});

describe('infrastructure routes', () => {
  it.each(['/health', '/ready', '/openapi.json', '/docs'])(
    'when %s is asked with a cache buster, then the query is ignored',
    async (path) => {
      expect((await request(t.app).get(`${path}?_=${Date.now()}`)).status).toBe(200);
    },
  );
});
