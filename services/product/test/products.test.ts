import { bearer, HOSTILE_RAW_BODIES, hostileAuthCases, oversizedBody } from '@order-system/testing';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProductApp, type TestProductApp } from './product-app.js';

const ADMIN = bearer('admin');
let t: TestProductApp;

beforeAll(async () => {
  t = await createTestProductApp();
});

async function createProduct(body: Record<string, unknown> = {}) {
  const res = await request(t.app)
    .post('/api/products/')
    .set('Authorization', ADMIN)
    .send({ name: 'Keyboard', price: '49.90', stock: 12, ...body });
  expect(res.status).toBe(201);
  return res.body as { id: number; name: string; price: string; stock: number };
}

describe('creating a product', () => {
  it('when an admin sends a valid product, then it is stored and returned with a decimal price', async () => {
    const res = await request(t.app)
      .post('/api/products/')
      .set('Authorization', ADMIN)
      .send({ name: 'Keyboard', description: 'Mechanical', price: '49.90', stock: 12 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Keyboard', description: 'Mechanical', price: '49.90', stock: 12 });
    expect(res.body.id).toEqual(expect.any(Number));
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
    const stored = await t.deps.prisma.product.findUnique({ where: { id: res.body.id } });
    expect(stored?.priceCents).toBe(4990);
  });

  it('when the price is a number with two decimals or an integer, then it is accepted', async () => {
    expect((await createProduct({ price: 19.99 })).price).toBe('19.99');
    expect((await createProduct({ price: 5 })).price).toBe('5.00');
    expect((await createProduct({ price: '0.01', description: undefined })).price).toBe('0.01');
  });

  it('when the trailing slash is left out, then the route still answers', async () => {
    const res = await request(t.app).post('/api/products').set('Authorization', ADMIN).send({ name: 'Mouse', price: '1.00', stock: 0 });
    expect(res.status).toBe(201);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['name missing', { name: undefined }, 'name'],
    ['name blank', { name: '   ' }, 'name'],
    ['name too long', { name: 'x'.repeat(201) }, 'name'],
    ['name not a string', { name: 42 }, 'name'],
    ['price missing', { price: undefined }, 'price'],
    ['price zero', { price: '0' }, 'price'],
    ['price negative', { price: '-1.00' }, 'price'],
    ['price with three decimals', { price: '1.999' }, 'price'],
    ['price as exponent', { price: '1e2' }, 'price'],
    ['price as boolean', { price: true }, 'price'],
    ['price as text', { price: 'cheap' }, 'price'],
    ['price NaN', { price: 'NaN' }, 'price'],
    ['price too large', { price: '1000000000.00' }, 'price'],
    ['stock missing', { stock: undefined }, 'stock'],
    ['stock negative', { stock: -1 }, 'stock'],
    ['stock fractional', { stock: 1.5 }, 'stock'],
    ['stock as string', { stock: '3' }, 'stock'],
    ['an unknown field', { colour: 'red' }, 'body'],
  ];
  it.each(invalid)('when %s, then 400 with details for that field and nothing is stored', async (_case, override, field) => {
    const before = await t.deps.prisma.product.count();
    const res = await request(t.app)
      .post('/api/products/')
      .set('Authorization', ADMIN)
      .send({ name: 'Keyboard', price: '49.90', stock: 12, ...override });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.details[field]).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(await t.deps.prisma.product.count()).toBe(before);
  });

  it('when the price is zero, then the message says it must be greater than 0', async () => {
    const res = await request(t.app).post('/api/products/').set('Authorization', ADMIN).send({ name: 'A', price: 0, stock: 1 });
    expect(res.body.details.price).toEqual(['must be greater than 0']);
  });

  it.each(Object.entries(HOSTILE_RAW_BODIES))('when the body is %s, then 400 JSON and nothing is stored', async (_case, raw) => {
    const before = await t.deps.prisma.product.count();
    const res = await request(t.app).post('/api/products/').set('Authorization', ADMIN).set('Content-Type', 'application/json').send(raw);
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/json');
    expect(res.body.code).toMatch(/^(malformed_json|validation_failed)$/);
    expect(await t.deps.prisma.product.count()).toBe(before);
  });

  it('when the body is malformed JSON, then the message is "Malformed JSON body"', async () => {
    const res = await request(t.app)
      .post('/api/products/')
      .set('Authorization', ADMIN)
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(res.body).toEqual({ error: 'Malformed JSON body', code: 'malformed_json' });
  });

  it('when the body is over 100 kB, then 413', async () => {
    const res = await request(t.app)
      .post('/api/products/')
      .set('Authorization', ADMIN)
      .set('Content-Type', 'application/json')
      .send(oversizedBody());
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('when the body is not JSON, then 415', async () => {
    const res = await request(t.app)
      .post('/api/products/')
      .set('Authorization', ADMIN)
      .set('Content-Type', 'text/plain')
      .send('name=Keyboard');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });
});

describe('authorization of writes', () => {
  it('when no token is sent, then 401', async () => {
    const res = await request(t.app).post('/api/products/').send({ name: 'A', price: '1.00', stock: 1 });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it.each(hostileAuthCases('admin'))('when the token is %s, then 401 and nothing is stored', async (_case, header) => {
    const before = await t.deps.prisma.product.count();
    const res = await request(t.app).post('/api/products/').set('Authorization', header()).send({ name: 'A', price: '1.00', stock: 1 });
    expect(res.status).toBe(401);
    expect(await t.deps.prisma.product.count()).toBe(before);
  });

  it.each(['customer', 'service'] as const)('when a %s token is sent, then 403', async (role) => {
    const product = await createProduct();
    for (const req of [
      request(t.app).post('/api/products/').send({ name: 'A', price: '1.00', stock: 1 }),
      request(t.app).patch(`/api/products/${product.id}/`).send({ stock: 1 }),
      request(t.app).delete(`/api/products/${product.id}/`),
    ]) {
      const res = await req.set('Authorization', bearer(role));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
  });
});

describe('reading products', () => {
  it('when a product exists, then GET returns it, with or without the trailing slash', async () => {
    const product = await createProduct({ name: 'Lamp' });
    for (const path of [`/api/products/${product.id}/`, `/api/products/${product.id}`]) {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: product.id, name: 'Lamp' });
    }
  });

  it.each(['999999', 'abc', '1.5', '-1', '0', '1e3', '99999999999999'])('when the id is %s, then 404 Product not found', async (id) => {
    const res = await request(t.app).get(`/api/products/${id}/`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Product not found', code: 'not_found' });
  });

  it('when listing, then products come in id order with X-Total-Count and Link pages', async () => {
    const fresh = await createTestProductApp();
    const admin = request(fresh.app);
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await admin.post('/api/products/').set('Authorization', ADMIN).send({ name, price: '1.00', stock: 1 });
    }
    const res = await request(fresh.app).get('/api/products/?limit=2&offset=2');
    expect(res.status).toBe(200);
    expect(res.body.map((p: { name: string }) => p.name)).toEqual(['c', 'd']);
    expect(res.headers['x-total-count']).toBe('5');
    expect(res.headers.link).toContain('offset=4>; rel="next"');
    expect(res.headers.link).toContain('offset=0>; rel="prev"');
    const all = await request(fresh.app).get('/api/products');
    expect(all.body.map((p: { id: number }) => p.id)).toEqual([...all.body.map((p: { id: number }) => p.id)].sort((a, b) => a - b));
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'limit=1.5'])('when the query is %s, then 400', async (query) => {
    const res = await request(t.app).get(`/api/products/?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it.each([
    ['offset=1000000001', 'offset', 'must be an integer from 0 to 1000000000'],
    ['offset=99999999999', 'offset', 'must be an integer from 0 to 1000000000'],
    ['offset=-1', 'offset', 'must be an integer from 0 to 1000000000'],
    ['offset=1e3', 'offset', 'must be an integer from 0 to 1000000000'],
    ['limit=0', 'limit', 'must be an integer from 1 to 100'],
    ['limit=101', 'limit', 'must be an integer from 1 to 100'],
    ['limit=abc', 'limit', 'must be an integer from 1 to 100'],
  ])('when the query is %s, then the 400 says the range the parameter takes', async (query, name, message) => {
    const res = await request(t.app).get(`/api/products/?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ [name]: [message] });
  });

  it('when the offset is the largest allowed, then 200 with an empty page, its prev link pointing at the last page', async () => {
    const res = await request(t.app).get('/api/products/?offset=1000000000&limit=10');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    const total = Number(res.headers['x-total-count']);
    const last = Math.floor((total - 1) / 10) * 10;
    expect(res.headers.link).toContain(`limit=10&offset=${last}>; rel="prev"`);
    expect(res.headers.link).toContain(`limit=10&offset=${last}>; rel="last"`);
  });

  it('when a page past the end is asked for, then prev is the last page, not another empty one', async () => {
    const fresh = await createTestProductApp();
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await request(fresh.app).post('/api/products/').set('Authorization', ADMIN).send({ name, price: '1.00', stock: 1 });
    }

    const past = await request(fresh.app).get('/api/products/?limit=2&offset=20');
    const justPast = await request(fresh.app).get('/api/products/?limit=2&offset=5');
    const unaligned = await request(fresh.app).get('/api/products/?limit=2&offset=3');

    expect(past.body).toEqual([]);
    expect(past.headers.link).toContain('limit=2&offset=4>; rel="prev"');
    expect(past.headers.link).not.toContain('rel="next"');
    expect(justPast.headers.link).toContain('limit=2&offset=4>; rel="prev"');
    expect(unaligned.headers.link).toContain('limit=2&offset=1>; rel="prev"');
    expect(unaligned.headers.link).toContain('limit=2&offset=4>; rel="last"');
    const prev = await request(fresh.app).get('/api/products/?limit=2&offset=4');
    expect(prev.body.map((p: { name: string }) => p.name)).toEqual(['e']);
    await fresh.deps.close();
  });

  it('when the OpenAPI document describes limit and offset, then it says the range each takes', async () => {
    const res = await request(t.app).get('/openapi.json');
    const parameters = res.body.paths['/api/products/'].get.parameters as { name: string; description?: string }[];
    expect(parameters.find((p) => p.name === 'offset')?.description).toBe(
      'How many items to skip: an integer from 0 to 1000000000 (default 0)',
    );
    expect(parameters.find((p) => p.name === 'limit')?.description).toBe('Page size: an integer from 1 to 100 (default 100)');
  });
});

describe('updating and deleting', () => {
  it('when an admin patches one field, then only that field changes', async () => {
    const product = await createProduct({ name: 'Desk', stock: 3 });
    const res = await request(t.app).patch(`/api/products/${product.id}`).set('Authorization', ADMIN).send({ price: '99.50' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Desk', stock: 3, price: '99.50' });
  });

  it('when an admin puts a whole product, then it is replaced; a partial PUT is 400', async () => {
    const product = await createProduct();
    const ok = await request(t.app)
      .put(`/api/products/${product.id}/`)
      .set('Authorization', ADMIN)
      .send({ name: 'New', price: '2.00', stock: 7 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'New', price: '2.00', stock: 7, description: '' });
    const partial = await request(t.app).put(`/api/products/${product.id}/`).set('Authorization', ADMIN).send({ name: 'X' });
    expect(partial.status).toBe(400);
  });

  it('when a patch is invalid or empty, then 400 and the product is unchanged', async () => {
    const product = await createProduct({ stock: 4 });
    for (const body of [{ stock: -5 }, {}, { price: '0.00' }, { id: 77 }]) {
      const res = await request(t.app).patch(`/api/products/${product.id}/`).set('Authorization', ADMIN).send(body);
      expect(res.status).toBe(400);
    }
    expect((await request(t.app).get(`/api/products/${product.id}/`)).body.stock).toBe(4);
  });

  it('when updating an unknown product, then 404', async () => {
    const res = await request(t.app).patch('/api/products/987654/').set('Authorization', ADMIN).send({ stock: 1 });
    expect(res.status).toBe(404);
  });

  it('when an admin deletes a product, then 204 and a later GET is 404; deleting again is 404', async () => {
    const product = await createProduct();
    const res = await request(t.app).delete(`/api/products/${product.id}/`).set('Authorization', ADMIN);
    expect(res.status).toBe(204);
    expect((await request(t.app).get(`/api/products/${product.id}/`)).status).toBe(404);
    expect((await request(t.app).delete(`/api/products/${product.id}/`).set('Authorization', ADMIN)).status).toBe(404);
  });
});

describe('common behaviour', () => {
  it('when a route is unknown, then 404 JSON', async () => {
    const res = await request(t.app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('route_not_found');
  });

  it('when the method is wrong, then 405 with Allow', async () => {
    const res = await request(t.app).delete('/api/products/');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    expect(res.body.code).toBe('method_not_allowed');
  });

  it('when a request id is sent, then it is echoed; otherwise one is made', async () => {
    const given = await request(t.app).get('/health').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await request(t.app).get('/health');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await request(t.app).get('/health').set('X-Request-Id', 'a b;'.repeat(100));
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when health, ready and the OpenAPI document are asked for, then they answer', async () => {
    expect((await request(t.app).get('/health')).body).toEqual({ status: 'ok', service: 'product' });
    expect((await request(t.app).get('/ready')).status).toBe(200);
    const doc = await request(t.app).get('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/products/reservations/');
    expect((await request(t.app).get('/docs')).type).toBe('text/html');
  });
});

describe('integers written as floats', () => {
  it.each(['5.0', '5e0', '50E-1'])('when stock is written %s, then 400 and nothing is stored', async (written) => {
    const before = await t.deps.prisma.product.count();
    const res = await request(t.app)
      .post('/api/products/')
      .set('Authorization', ADMIN)
      .set('Content-Type', 'application/json')
      .send(`{"name": "Float", "price": 2.50, "stock": ${written}}`);
    expect(res.status).toBe(400);
    expect(res.body.details.stock).toEqual(['must be an integer, written without a decimal point or exponent']);
    expect(await t.deps.prisma.product.count()).toBe(before);
  });

  it('when only the price has decimals, then the product is created', async () => {
    const res = await request(t.app)
      .post('/api/products/')
      .set('Authorization', ADMIN)
      .set('Content-Type', 'application/json')
      .send('{"name": "Float", "price": 2.50, "stock": 5}');
    expect(res.status).toBe(201);
  });
});
