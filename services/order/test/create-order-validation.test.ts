import { MAX_ITEMS, MAX_QUANTITY, ORDER_REQUIRED_MESSAGE } from '@order-system/contracts';
import { bearer, HOSTILE_RAW_BODIES, hostileAuthCases, oversizedBody } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// The product and payment services are unreachable here: a body that passes validation ends as a
// recorded, CANCELLED order (503), one that does not is a 400 with no order at all.
let t: TestOrderApp;
beforeAll(async () => {
  t = await createTestOrderApp();
});
afterAll(() => t.deps.close());

const post = (body: unknown) =>
  request(t.app)
    .post('/api/orders/')
    .send(body as object);
const postRaw = (raw: string) => request(t.app).post('/api/orders/').set('Content-Type', 'application/json').send(raw);
const orderCount = () => t.deps.prisma.order.count();

describe('POST /api/orders/ when customer_name or the products are missing', () => {
  const cases: Record<string, unknown> = {
    'an empty object': {},
    'no customer_name': { product_ids: [1] },
    'a blank customer_name': { customer_name: '   ', product_ids: [1] },
    'a null customer_name': { customer_name: null, product_ids: [1] },
    'no products': { customer_name: 'Alice' },
    'an empty product_ids': { customer_name: 'Alice', product_ids: [] },
    'an empty items': { customer_name: 'Alice', items: [] },
    'null lists': { customer_name: 'Alice', product_ids: null, items: null },
  };
  for (const [name, body] of Object.entries(cases)) {
    it(`when the body has ${name}, then 400 with the contract's message and details`, async () => {
      const before = await orderCount();

      const res = await post(body);

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: ORDER_REQUIRED_MESSAGE, code: 'validation_failed' });
      expect(Object.keys(res.body.details).length).toBeGreaterThan(0);
      expect(await orderCount()).toBe(before);
    });
  }

  it('when there is no body at all, then 400 with the contract message', async () => {
    const res = await request(t.app).post('/api/orders/');

    expect(res.status).toBe(400);
    expect(res.body.error).toBe(ORDER_REQUIRED_MESSAGE);
  });
});

describe('POST /api/orders/ with bad input', () => {
  const tooMany = Array.from({ length: MAX_ITEMS + 1 }, (_, i) => i + 1);
  const cases: Record<string, { body: unknown; field: string }> = {
    'both product_ids and items': {
      body: { customer_name: 'A', product_ids: [1], items: [{ product_id: 1, quantity: 1 }] },
      field: 'items',
    },
    'product_ids as a string': { body: { customer_name: 'A', product_ids: '12' }, field: 'product_ids' },
    'a path in a product id': { body: { customer_name: 'A', product_ids: ['1/../2'] }, field: 'product_ids.0' },
    'a numeric string id': { body: { customer_name: 'A', product_ids: ['1'] }, field: 'product_ids.0' },
    'a null id': { body: { customer_name: 'A', product_ids: [null] }, field: 'product_ids.0' },
    'a fractional id': { body: { customer_name: 'A', product_ids: [1.5] }, field: 'product_ids' },
    'a zero id': { body: { customer_name: 'A', product_ids: [0] }, field: 'product_ids.0' },
    'a negative id': { body: { customer_name: 'A', product_ids: [-3] }, field: 'product_ids.0' },
    'an id beyond 32 bits': { body: { customer_name: 'A', product_ids: [2 ** 31] }, field: 'product_ids.0' },
    'a boolean id': { body: { customer_name: 'A', product_ids: [true] }, field: 'product_ids.0' },
    'an object as id': { body: { customer_name: 'A', product_ids: [{ id: 1 }] }, field: 'product_ids.0' },
    'nested arrays': { body: { customer_name: 'A', product_ids: [[1]] }, field: 'product_ids.0' },
    [`${MAX_ITEMS + 1} product ids`]: { body: { customer_name: 'A', product_ids: tooMany }, field: 'product_ids' },
    '10 000 product ids': { body: { customer_name: 'A', product_ids: Array.from({ length: 10_000 }, () => 1) }, field: 'product_ids' },
    [`${MAX_ITEMS + 1} items`]: {
      body: { customer_name: 'A', items: tooMany.map((id) => ({ product_id: id, quantity: 1 })) },
      field: 'items',
    },
    'a zero quantity': { body: { customer_name: 'A', items: [{ product_id: 1, quantity: 0 }] }, field: 'items.0.quantity' },
    'a quantity too large': {
      body: { customer_name: 'A', items: [{ product_id: 1, quantity: MAX_QUANTITY + 1 }] },
      field: 'items.0.quantity',
    },
    'a quantity as a string': { body: { customer_name: 'A', items: [{ product_id: 1, quantity: '2' }] }, field: 'items.0.quantity' },
    'an item without product_id': { body: { customer_name: 'A', items: [{ quantity: 2 }] }, field: 'items.0.product_id' },
    'an item with an unknown field': {
      body: { customer_name: 'A', items: [{ product_id: 1, quantity: 1, price: '0.01' }] },
      field: 'items.0',
    },
    'items as an object': { body: { customer_name: 'A', items: { product_id: 1, quantity: 1 } }, field: 'items' },
    'quantities adding up past the maximum': {
      body: {
        customer_name: 'A',
        items: [
          { product_id: 1, quantity: MAX_QUANTITY },
          { product_id: 1, quantity: 1 },
        ],
      },
      field: 'items',
    },
    'a number as customer_name': { body: { customer_name: 42, product_ids: [1] }, field: 'customer_name' },
    'an array as customer_name': { body: { customer_name: ['Alice'], product_ids: [1] }, field: 'customer_name' },
    'an object as customer_name': { body: { customer_name: { first: 'Alice' }, product_ids: [1] }, field: 'customer_name' },
    'a customer_name over 200 characters': { body: { customer_name: 'x'.repeat(201), product_ids: [1] }, field: 'customer_name' },
    'a client-supplied total': { body: { customer_name: 'A', product_ids: [1], total_amount: '0.01' }, field: 'body' },
    'a client-supplied status': { body: { customer_name: 'A', product_ids: [1], status: 'PAID' }, field: 'body' },
  };
  for (const [name, { body, field }] of Object.entries(cases)) {
    it(`when the body has ${name}, then 400 with details on ${field} and no order`, async () => {
      const before = await orderCount();

      const res = await post(body);

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'Validation failed', code: 'validation_failed' });
      expect(res.body.details).toHaveProperty([field]);
      expect(res.body).not.toHaveProperty('id');
      expect(await orderCount()).toBe(before);
    });
  }
});

describe('POST /api/orders/ with bodies that are not an order', () => {
  for (const [name, raw] of Object.entries(HOSTILE_RAW_BODIES)) {
    it(`when the body is ${name}, then a 4xx JSON error and no order`, async () => {
      const before = await orderCount();

      const res = await postRaw(raw);

      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.type).toBe('application/json');
      expect(res.body).toEqual(expect.objectContaining({ error: expect.any(String), code: expect.any(String) }));
      expect(await orderCount()).toBe(before);
    });
  }

  it('when the body is over 100 kB, then 413', async () => {
    const res = await postRaw(oversizedBody());

    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('when the body is not JSON, then 415', async () => {
    const res = await request(t.app).post('/api/orders/').set('Content-Type', 'text/plain').send('customer_name=Alice');

    expect(res.status).toBe(415);
  });
});

describe('POST /api/orders/ with integers written as floats', () => {
  // JSON.parse turns 1.0 into 1; the raw body is checked so that an id or a quantity written as a
  // float is refused like 1.5, never taken for an integer.
  const cases: [string, string, string][] = [
    ['a product id written 1.0', '{"customer_name": "Alice", "product_ids": [1.0]}', 'product_ids'],
    ['a product id written 1e0', '{"customer_name": "Alice", "product_ids": [2, 1e0]}', 'product_ids'],
    ['an item product_id written 3.0', '{"customer_name": "Alice", "items": [{"product_id": 3.0, "quantity": 1}]}', 'product_id'],
    ['a quantity written 2.0', '{"customer_name": "Alice", "items": [{"product_id": 3, "quantity": 2.0}]}', 'quantity'],
  ];
  for (const [name, raw, field] of cases) {
    it(`when the body has ${name}, then 400 with details on ${field} and no order`, async () => {
      const res = await postRaw(raw);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.details[field]).toEqual(['must be an integer, written without a decimal point or exponent']);
      expect(res.body.id).toBeUndefined();
    });
  }
});

describe('POST /api/orders/ when the product service cannot be reached', () => {
  it('then 503, and the order is recorded CANCELLED with the requested items and no total', async () => {
    const res = await post({ customer_name: '  Alice  ', product_ids: [3, 4, 3] });

    expect(res.status).toBe(503);
    expect(res.headers.location).toBe(`/api/orders/${res.body.id}/`);
    expect(res.body).toMatchObject({
      customer_name: 'Alice',
      status: 'CANCELLED',
      cancellation_reason: 'Product service unavailable',
      error: 'Product service unavailable',
      code: 'product_service_unavailable',
      total_amount: null,
      payment_status: null,
      items: [
        { product_id: 3, quantity: 2, name: null, unit_price: null, line_total: null },
        { product_id: 4, quantity: 1, name: null, unit_price: null, line_total: null },
      ],
    });
    expect(res.body.status_history.map((change: { from: string; to: string }) => [change.from, change.to])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'CANCELLED'],
    ]);
    const read = await request(t.app).get(`/api/orders/${res.body.id}`);
    expect(read.status).toBe(200);
    const { error: _error, code: _code, ...order } = res.body;
    expect(read.body).toEqual(order);
  });
});

describe('authentication', () => {
  for (const [name, header] of hostileAuthCases('customer')) {
    it(`when the Authorization header is ${name}, then 401 on create and read`, async () => {
      const before = await orderCount();

      const created = await post({ customer_name: 'A', product_ids: [1] }).set('Authorization', header());
      const read = await request(t.app).get('/api/orders/00000000-0000-4000-8000-000000000000/').set('Authorization', header());

      expect(created.status).toBe(401);
      expect(created.body.code).toBe('unauthorized');
      expect(read.status).toBe(401);
      expect(await orderCount()).toBe(before);
    });
  }

  it("when a customer's order is read by another customer, anonymously or by an admin, then only the owner and the admin see it", async () => {
    const created = await post({ customer_name: 'Bob', product_ids: [1] }).set('Authorization', bearer('customer', 'bob'));
    expect(created.body.user_id).toBe('bob');
    expect(created.body.status_history[0].by).toBe('bob');
    const path = `/api/orders/${created.body.id}/`;

    const owner = await request(t.app).get(path).set('Authorization', bearer('customer', 'bob'));
    const other = await request(t.app).get(path).set('Authorization', bearer('customer', 'eve'));
    const anonymous = await request(t.app).get(path);
    const service = await request(t.app).get(path).set('Authorization', bearer('service', 'bob'));
    const admin = await request(t.app).get(path).set('Authorization', bearer('admin', 'root'));

    expect(owner.status).toBe(200);
    expect(admin.status).toBe(200);
    for (const res of [other, anonymous, service]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Order not found', code: 'not_found' });
    }
  });

  it('when an admin places an order, then it is anonymous (only customer tokens bind an order)', async () => {
    const created = await post({ customer_name: 'Desk', product_ids: [1] }).set('Authorization', bearer('admin', 'root'));

    expect(created.body.user_id).toBeNull();
  });
});

describe('GET /api/orders/{id}/', () => {
  for (const id of ['not-a-uuid', '123', '00000000-0000-4000-8000-000000000000', "1' OR '1'='1", '%00']) {
    it(`when the id is ${JSON.stringify(id)}, then 404 Order not found`, async () => {
      const res = await request(t.app).get(`/api/orders/${encodeURIComponent(id)}/`);

      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Order not found', code: 'not_found' });
    });
  }

  it('when the method is not allowed, then 405 with Allow', async () => {
    const res = await request(t.app).delete('/api/orders/00000000-0000-4000-8000-000000000000/');

    expect(res.status).toBe(405);
    expect(res.headers.allow).toContain('GET');
  });
});

describe('service endpoints', () => {
  it('when the neighbours are down, then /ready is 200 (the database answers) and reports them', async () => {
    const res = await request(t.app).get('/ready');

    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ database: 'ok', product_service: 'unavailable', payment_service: 'unavailable' });
  });

  it('then /openapi.json documents the order endpoints', async () => {
    const res = await request(t.app).get('/openapi.json');

    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/orders/', '/api/orders/{id}/', '/api/orders/{id}/cancel/', '/api/orders/{id}/status/']),
    );
    expect(res.body.paths['/api/orders/'].post.responses).toHaveProperty('202');
  });
});
