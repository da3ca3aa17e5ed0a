import { randomUUID } from 'node:crypto';
import {
  bearer,
  CONTROL_CHARACTERS,
  HOSTILE_RAW_BODIES,
  hostileAuthHeaders,
  oversizedBody,
  parsePrometheusText,
  sampleSum,
} from '@order-system/testing';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProductApp, type TestProductApp } from './product-app.js';

const ADMIN = bearer('admin');
const SERVICE = bearer('service');
let t: TestProductApp;

beforeAll(async () => {
  t = await createTestProductApp();
});

async function product(stock: number): Promise<number> {
  const res = await request(t.app).post('/api/products/').set('Authorization', ADMIN).send({ name: 'Item', price: '10.00', stock });
  return res.body.id;
}

const stockOf = async (id: number) => (await t.deps.prisma.product.findUniqueOrThrow({ where: { id } })).stock;
const row = (id: string) => t.deps.prisma.reservation.findUnique({ where: { id }, include: { items: true } });
const voidPath = (id: string) => `/api/products/reservations/${id}/void/`;
const voidIt = (id: string, auth = SERVICE) => request(t.app).post(voidPath(id)).set('Authorization', auth);
const release = (id: string) => request(t.app).delete(`/api/products/reservations/${id}/`).set('Authorization', SERVICE);
const reserve = (id: string, productId: number, quantity: number) =>
  request(t.app)
    .post('/api/products/reservations/')
    .set('Authorization', SERVICE)
    .send({ reservation_id: id, items: [{ product_id: productId, quantity }] });

describe('POST /api/products/reservations/{reservation_id}/void/', () => {
  it('when the id is unknown, then a VOIDED tombstone without items is stored and answered with 200', async () => {
    const id = randomUUID();

    const res = await voidIt(id);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ reservation_id: id, status: 'VOIDED', items: [], created_at: expect.any(String), released_at: null });
    expect(await row(id)).toMatchObject({ status: 'VOIDED', items: [] });
  });

  it('when a reservation arrives for a voided id, then 409 reservation_voided and no stock is taken', async () => {
    const productId = await product(5);
    const id = randomUUID();
    await voidIt(id).expect(200);

    const res = await reserve(id, productId, 2);

    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: `Reservation ${id} was voided; nothing was reserved`,
      code: 'reservation_voided',
      reservation_id: id,
    });
    expect(await stockOf(productId)).toBe(5);
    expect(await row(id)).toMatchObject({ status: 'VOIDED', items: [] });
  });

  it('when a void is repeated, then the same 200 VOIDED comes back', async () => {
    const id = randomUUID();
    const first = await voidIt(id).expect(200);

    const again = await voidIt(id);

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('when a voided id is released, then 200 with status VOIDED: nothing to put back', async () => {
    const id = randomUUID();
    const voided = await voidIt(id).expect(200);

    const res = await release(id);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(voided.body);
  });

  it('when the reservation is ACTIVE, then it is released: its stock comes back once, and a repeat changes nothing', async () => {
    const productId = await product(5);
    const id = randomUUID();
    await reserve(id, productId, 3).expect(201);

    const res = await voidIt(id);
    const again = await voidIt(id);
    const deleted = await release(id);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      reservation_id: id,
      status: 'RELEASED',
      items: [{ product_id: productId, quantity: 3, unit_price: '10.00', name: 'Item' }],
      released_at: expect.any(String),
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    expect(deleted.status).toBe(200);
    expect(deleted.body.status).toBe('RELEASED');
    expect(await stockOf(productId)).toBe(5);
  });

  it('when the reservation was RELEASED, then 200 and it stays as it was', async () => {
    const productId = await product(5);
    const id = randomUUID();
    await reserve(id, productId, 1).expect(201);
    const released = await release(id).expect(200);

    const res = await voidIt(id);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(released.body);
    expect(await stockOf(productId)).toBe(5);
  });

  it('when a released reservation is reserved again after a void, then the released result still comes back (200)', async () => {
    const productId = await product(5);
    const id = randomUUID();
    await reserve(id, productId, 2).expect(201);
    await voidIt(id).expect(200);

    const res = await reserve(id, productId, 2);

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('RELEASED');
    expect(await stockOf(productId)).toBe(5);
  });

  it('when an unknown id was released first (404, a tombstone), then a void makes it VOIDED and a late reservation gets 409', async () => {
    const productId = await product(4);
    const id = randomUUID();
    await release(id).expect(404);

    const res = await voidIt(id);
    const late = await reserve(id, productId, 1);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reservation_id: id, status: 'VOIDED', items: [] });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('reservation_voided');
    expect(await stockOf(productId)).toBe(4);
  });

  it.each(['abc', '42', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', `${randomUUID()}x`])(
    'when the id is not a UUID (%s), then 404 reservation_not_found and nothing is stored',
    async (id) => {
      const before = await t.deps.prisma.reservation.count();

      const res = await voidIt(id);

      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Reservation not found', code: 'reservation_not_found' });
      expect(await t.deps.prisma.reservation.count()).toBe(before);
    },
  );

  it('when the id is in capitals, then the tombstone is stored under the lower-case id', async () => {
    const id = randomUUID();

    const res = await voidIt(id.toUpperCase());

    expect(res.status).toBe(200);
    expect(res.body.reservation_id).toBe(id);
    expect(await row(id)).toMatchObject({ status: 'VOIDED' });
  });

  it('when the path has no trailing slash, then it is the same endpoint', async () => {
    const id = randomUUID();

    const res = await request(t.app).post(`/api/products/reservations/${id}/void`).set('Authorization', SERVICE);

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('VOIDED');
  });

  it('when another method is used, then 405 with Allow', async () => {
    const res = await request(t.app).get(voidPath(randomUUID())).set('Authorization', SERVICE);

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST, OPTIONS');
  });

  it('when voids happen, then reservation_voids_total counts them by outcome', async () => {
    const scrape = async () => parsePrometheusText((await request(t.app).get('/metrics')).text);
    const count = (families: Awaited<ReturnType<typeof scrape>>, outcome: string) =>
      sampleSum(families, 'reservation_voids_total', { outcome });
    const productId = await product(2);
    const active = randomUUID();
    await reserve(active, productId, 1).expect(201);
    const before = await scrape();

    const id = randomUUID();
    await voidIt(id).expect(200);
    await voidIt(id).expect(200);
    await voidIt(active).expect(200);
    await voidIt(active).expect(200);
    await voidIt('nope').expect(404);
    await reserve(id, productId, 1).expect(409);

    const after = await scrape();
    for (const outcome of ['voided', 'already_voided', 'released', 'already_released', 'not_found']) {
      expect(count(after, outcome) - count(before, outcome)).toBe(1);
    }
    expect(
      sampleSum(after, 'reservations_total', { outcome: 'voided' }) - sampleSum(before, 'reservations_total', { outcome: 'voided' }),
    ).toBe(1);
  });
});

describe('a void takes no body, or a small JSON one', () => {
  it.each([
    ['no body and no content type', undefined, undefined],
    ['no body with a JSON content type', 'application/json', undefined],
    ['an empty JSON object', 'application/json', '{}'],
    ['a reason', 'application/json', '{"reason": "reservation answer timed out;\\norder cancelled"}'],
  ])('when the void has %s, then it is voided', async (_case, contentType, body) => {
    const id = randomUUID();
    let req = request(t.app).post(voidPath(id)).set('Authorization', SERVICE);
    if (contentType) req = req.set('Content-Type', contentType);

    const res = await (body === undefined ? req : req.send(body));

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('VOIDED');
  });

  it.each<[string, unknown, string]>([
    ['an unknown field', { items: [] }, 'body'],
    ['a reason that is not a string', { reason: 5 }, 'reason'],
    ['a reason that is null', { reason: null }, 'reason'],
    ['a reason that is too long', { reason: 'x'.repeat(501) }, 'reason'],
    ...Object.entries(CONTROL_CHARACTERS).map(([name, value]): [string, unknown, string] => [
      `a reason with ${name}`,
      { reason: value },
      'reason',
    ]),
    ['a reason with an unpaired surrogate', { reason: 'late \ud800' }, 'reason'],
  ])('when the body has %s, then 400 with details and nothing is stored', async (_case, body, field) => {
    const id = randomUUID();

    const res = await request(t.app)
      .post(voidPath(id))
      .set('Authorization', SERVICE)
      .send(body as object);

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.details[field]).toBeDefined();
    expect(await row(id)).toBeNull();
  });

  it('when the body is invalid for an ACTIVE reservation, then 400 and it stays ACTIVE with its stock', async () => {
    const productId = await product(3);
    const id = randomUUID();
    await reserve(id, productId, 2).expect(201);

    const res = await request(t.app).post(voidPath(id)).set('Authorization', SERVICE).send({ status: 'VOIDED' });

    expect(res.status).toBe(400);
    expect(await row(id)).toMatchObject({ status: 'ACTIVE' });
    expect(await stockOf(productId)).toBe(1);
  });

  const hostile = Object.entries(HOSTILE_RAW_BODIES).filter(([name]) => name !== 'an empty object');
  it.each(hostile)('when the body is %s, then 400 and nothing is stored', async (_case, raw) => {
    const id = randomUUID();

    const res = await request(t.app).post(voidPath(id)).set('Authorization', SERVICE).set('Content-Type', 'application/json').send(raw);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    expect(await row(id)).toBeNull();
  });

  it('when the body is over 100 kB, then 413 and nothing is stored', async () => {
    const id = randomUUID();

    const res = await request(t.app)
      .post(voidPath(id))
      .set('Authorization', SERVICE)
      .set('Content-Type', 'application/json')
      .send(oversizedBody());

    expect(res.status).toBe(413);
    expect(await row(id)).toBeNull();
  });

  it('when the body is plain text, then 415 and nothing is stored', async () => {
    const id = randomUUID();

    const res = await request(t.app).post(voidPath(id)).set('Authorization', SERVICE).set('Content-Type', 'text/plain').send('void');

    expect(res.status).toBe(415);
    expect(await row(id)).toBeNull();
  });

  it('when a query parameter is sent, then 400 naming it and nothing is stored', async () => {
    const id = randomUUID();

    const res = await request(t.app)
      .post(`${voidPath(id)}?force=1`)
      .set('Authorization', SERVICE);

    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ force: [expect.any(String)] });
    expect(await row(id)).toBeNull();
  });
});

describe('only a service or an admin may void', () => {
  for (const role of ['service', 'admin'] as const) {
    it.each(Object.entries(hostileAuthHeaders(role)))(
      `when the token is forged for ${role}: %s, then 401 and nothing is stored`,
      async (_case, header) => {
        const id = randomUUID();

        const res = await voidIt(id, header);

        expect(res.status).toBe(401);
        expect(res.body.code).toBe('unauthorized');
        expect(await row(id)).toBeNull();
      },
    );
  }

  it('when there is no token, then 401 with WWW-Authenticate', async () => {
    const id = randomUUID();

    const res = await request(t.app).post(voidPath(id));

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(await row(id)).toBeNull();
  });

  it('when a customer tries, then 403 and an ACTIVE reservation keeps its stock', async () => {
    const productId = await product(3);
    const id = randomUUID();
    await reserve(id, productId, 1).expect(201);

    const res = await voidIt(id, bearer('customer'));
    const unknown = await voidIt(randomUUID(), bearer('customer'));

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    expect(unknown.status).toBe(403);
    expect(await row(id)).toMatchObject({ status: 'ACTIVE' });
    expect(await stockOf(productId)).toBe(2);
  });

  it('when an admin voids, then it is accepted like a service', async () => {
    expect((await voidIt(randomUUID(), ADMIN)).status).toBe(200);
  });
});
