import { randomUUID } from 'node:crypto';
import { bearer, HOSTILE_RAW_BODIES, hostileAuthCases } from '@order-system/testing';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProductApp, type TestProductApp } from './product-app.js';

const ADMIN = bearer('admin');
const SERVICE = bearer('service');
let t: TestProductApp;

beforeAll(async () => {
  t = await createTestProductApp();
});

async function product(stock: number, price = '10.00', name = 'Item') {
  const res = await request(t.app).post('/api/products/').set('Authorization', ADMIN).send({ name, price, stock });
  return res.body as { id: number };
}

const stockOf = async (id: number) => (await t.deps.prisma.product.findUniqueOrThrow({ where: { id } })).stock;

const reserve = (body: unknown, auth = SERVICE) =>
  request(t.app)
    .post('/api/products/reservations/')
    .set('Authorization', auth)
    .send(body as object);

describe('reserving stock', () => {
  it('when every item has enough stock, then all are reserved at current prices and 201', async () => {
    const a = await product(5, '25.00', 'Keyboard');
    const b = await product(3, '4.99', 'Cable');
    const id = randomUUID();
    const res = await reserve({
      reservation_id: id,
      items: [
        { product_id: a.id, quantity: 2 },
        { product_id: b.id, quantity: 3 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      reservation_id: id,
      status: 'ACTIVE',
      items: [
        { product_id: a.id, quantity: 2, unit_price: '25.00', name: 'Keyboard' },
        { product_id: b.id, quantity: 3, unit_price: '4.99', name: 'Cable' },
      ],
    });
    expect(await stockOf(a.id)).toBe(3);
    expect(await stockOf(b.id)).toBe(0);
  });

  it('when the same product appears twice, then the quantities add up', async () => {
    const a = await product(5);
    const res = await reserve({
      reservation_id: randomUUID(),
      items: [
        { product_id: a.id, quantity: 2 },
        { product_id: a.id, quantity: 1 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.items).toEqual([expect.objectContaining({ product_id: a.id, quantity: 3 })]);
    expect(await stockOf(a.id)).toBe(2);
  });

  it('when one item is short, then 409 names it and no stock is taken from any item', async () => {
    const a = await product(5);
    const b = await product(1);
    const res = await reserve({
      reservation_id: randomUUID(),
      items: [
        { product_id: a.id, quantity: 2 },
        { product_id: b.id, quantity: 2 },
      ],
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: `Product ${b.id} is out of stock`, code: 'out_of_stock', product_id: b.id });
    expect(await stockOf(a.id)).toBe(5);
    expect(await stockOf(b.id)).toBe(1);
  });

  it('when one product is unknown, then 404 names it and nothing is reserved', async () => {
    const a = await product(5);
    const id = randomUUID();
    const res = await reserve({
      reservation_id: id,
      items: [
        { product_id: a.id, quantity: 1 },
        { product_id: 999_999, quantity: 1 },
      ],
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Product 999999 not found', code: 'product_not_found', product_id: 999_999 });
    expect(await stockOf(a.id)).toBe(5);
    expect(await t.deps.prisma.reservation.findUnique({ where: { id } })).toBeNull();
  });

  it('when the same reservation_id is sent again, then the first result comes back with 200 and nothing more is reserved', async () => {
    const a = await product(10);
    const id = randomUUID();
    const first = await reserve({ reservation_id: id, items: [{ product_id: a.id, quantity: 4 }] });
    const again = await reserve({ reservation_id: id, items: [{ product_id: a.id, quantity: 4 }] });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await stockOf(a.id)).toBe(6);
  });

  it('when a refused reservation is retried after a restock, then it can succeed', async () => {
    const a = await product(0);
    const id = randomUUID();
    expect((await reserve({ reservation_id: id, items: [{ product_id: a.id, quantity: 1 }] })).status).toBe(409);
    await request(t.app).patch(`/api/products/${a.id}/`).set('Authorization', ADMIN).send({ stock: 1 });
    expect((await reserve({ reservation_id: id, items: [{ product_id: a.id, quantity: 1 }] })).status).toBe(201);
  });

  it('when an admin reserves, then it is allowed', async () => {
    const a = await product(1);
    expect((await reserve({ reservation_id: randomUUID(), items: [{ product_id: a.id, quantity: 1 }] }, ADMIN)).status).toBe(201);
  });

  const invalid: [string, unknown][] = [
    ['reservation_id missing', { items: [{ product_id: 1, quantity: 1 }] }],
    ['reservation_id not a uuid', { reservation_id: '../etc', items: [{ product_id: 1, quantity: 1 }] }],
    ['items missing', { reservation_id: randomUUID() }],
    ['items empty', { reservation_id: randomUUID(), items: [] }],
    ['items a string', { reservation_id: randomUUID(), items: '1' }],
    ['quantity zero', { reservation_id: randomUUID(), items: [{ product_id: 1, quantity: 0 }] }],
    ['quantity fractional', { reservation_id: randomUUID(), items: [{ product_id: 1, quantity: 1.5 }] }],
    ['quantity a string', { reservation_id: randomUUID(), items: [{ product_id: 1, quantity: '1' }] }],
    ['product_id a path', { reservation_id: randomUUID(), items: [{ product_id: '1/../2', quantity: 1 }] }],
    ['product_id null', { reservation_id: randomUUID(), items: [{ product_id: null, quantity: 1 }] }],
    ['product_id negative', { reservation_id: randomUUID(), items: [{ product_id: -3, quantity: 1 }] }],
    [
      'too many items',
      { reservation_id: randomUUID(), items: Array.from({ length: 101 }, (_, i) => ({ product_id: i + 1, quantity: 1 })) },
    ],
    ['an unknown field', { reservation_id: randomUUID(), items: [{ product_id: 1, quantity: 1 }], note: 'x' }],
  ];
  it.each(invalid)('when %s, then 400 with details', async (_case, body) => {
    const res = await reserve(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.details).toBeTypeOf('object');
  });

  it.each(Object.entries(HOSTILE_RAW_BODIES))('when the body is %s, then 400', async (_case, raw) => {
    const res = await request(t.app)
      .post('/api/products/reservations/')
      .set('Authorization', SERVICE)
      .set('Content-Type', 'application/json')
      .send(raw);
    expect(res.status).toBe(400);
  });

  it('when there is no token, then 401; a customer token is 403', async () => {
    const body = { reservation_id: randomUUID(), items: [{ product_id: 1, quantity: 1 }] };
    expect((await request(t.app).post('/api/products/reservations/').send(body)).status).toBe(401);
    expect((await reserve(body, bearer('customer'))).status).toBe(403);
  });

  it.each(hostileAuthCases('service'))('when the token is %s, then 401 and nothing is reserved', async (_case, header) => {
    const a = await product(3);
    const res = await reserve({ reservation_id: randomUUID(), items: [{ product_id: a.id, quantity: 1 }] }, header());
    expect(res.status).toBe(401);
    expect(await stockOf(a.id)).toBe(3);
  });
});

describe('releasing a reservation', () => {
  it('when released, then the stock comes back exactly once', async () => {
    const a = await product(5);
    const id = randomUUID();
    await reserve({ reservation_id: id, items: [{ product_id: a.id, quantity: 3 }] });
    const first = await request(t.app).delete(`/api/products/reservations/${id}/`).set('Authorization', SERVICE);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ reservation_id: id, status: 'RELEASED' });
    const again = await request(t.app).delete(`/api/products/reservations/${id}`).set('Authorization', SERVICE);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('RELEASED');
    expect(await stockOf(a.id)).toBe(5);
  });

  it('when a released reservation_id is reserved again, then the released result comes back and nothing is taken', async () => {
    const a = await product(5);
    const id = randomUUID();
    await reserve({ reservation_id: id, items: [{ product_id: a.id, quantity: 3 }] });
    await request(t.app).delete(`/api/products/reservations/${id}/`).set('Authorization', SERVICE);
    const res = await reserve({ reservation_id: id, items: [{ product_id: a.id, quantity: 3 }] });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('RELEASED');
    expect(await stockOf(a.id)).toBe(5);
  });

  it('when the product was deleted meanwhile, then the release still succeeds', async () => {
    const a = await product(5);
    const id = randomUUID();
    await reserve({ reservation_id: id, items: [{ product_id: a.id, quantity: 1 }] });
    await request(t.app).delete(`/api/products/${a.id}/`).set('Authorization', ADMIN);
    expect((await request(t.app).delete(`/api/products/reservations/${id}/`).set('Authorization', SERVICE)).status).toBe(200);
  });

  it.each([randomUUID(), 'not-a-uuid', '1'])('when the reservation %s is unknown, then 404', async (id) => {
    const res = await request(t.app).delete(`/api/products/reservations/${id}/`).set('Authorization', SERVICE);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('reservation_not_found');
  });

  it('when there is no token, then 401; a customer is 403', async () => {
    expect((await request(t.app).delete(`/api/products/reservations/${randomUUID()}/`)).status).toBe(401);
    expect(
      (await request(t.app).delete(`/api/products/reservations/${randomUUID()}/`).set('Authorization', bearer('customer'))).status,
    ).toBe(403);
  });
});

describe('integers written as floats', () => {
  it.each([
    ['a quantity of 1.0', '{"product_id": %ID%, "quantity": 1.0}', 'quantity'],
    ['a product id of N.0', '{"product_id": %ID%.0, "quantity": 1}', 'product_id'],
  ])('when the reservation has %s, then 400 and nothing is reserved', async (_case, item, field) => {
    const a = await product(3);
    const raw = `{"reservation_id": "${randomUUID()}", "items": [${item.replace('%ID%', String(a.id))}]}`;
    const res = await request(t.app)
      .post('/api/products/reservations/')
      .set('Authorization', SERVICE)
      .set('Content-Type', 'application/json')
      .send(raw);
    expect(res.status).toBe(400);
    expect(res.body.details[field]).toEqual(['must be an integer, written without a decimal point or exponent']);
    expect(await stockOf(a.id)).toBe(3);
  });
});

describe('a reservation that arrives after its release', () => {
  it('when an unknown reservation is released, then 404, and a reservation arriving later under that id takes no stock', async () => {
    const a = await product(4);
    const id = randomUUID();
    const release = await request(t.app).delete(`/api/products/reservations/${id}/`).set('Authorization', SERVICE);
    expect(release.status).toBe(404);
    const late = await reserve({ reservation_id: id, items: [{ product_id: a.id, quantity: 3 }] });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ reservation_id: id, status: 'RELEASED', items: [] });
    expect(await stockOf(a.id)).toBe(4);
    const again = await request(t.app).delete(`/api/products/reservations/${id}/`).set('Authorization', SERVICE);
    expect(again.status).toBe(404);
  });
});
