import { randomUUID } from 'node:crypto';
import {
  bearer,
  CONTROL_CHARACTERS,
  HOSTILE_RAW_BODIES,
  hostileAuthHeaders,
  INVISIBLE_ONLY,
  oversizedBody,
  UNPAIRED_SURROGATES,
} from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CartsRepository } from '../src/cart/carts.repository.js';
import { cartRows, seedCart } from './cart-rows.js';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// Hostile input on every cart route, against the real order app over its own database. The
// product and payment services are unreachable here: what passes validation would need them, so a
// refusal with the documented 4xx, and nothing changed in the cart or the orders, is what counts.
let t: TestOrderApp;
beforeAll(async () => {
  t = await createTestOrderApp();
});
afterAll(() => t.deps.close());

/** A customer with a cart of two lines, so that a refused request can be shown to change nothing. */
async function customerWithCart(): Promise<{ sub: string; auth: string; items: number[] }> {
  const sub = `customer-${randomUUID()}`;
  const items = await seedCart(t.deps.prisma, sub, [
    { productId: 1, quantity: 2 },
    { productId: 2, quantity: 1 },
  ]);
  return { sub, auth: bearer('customer', sub), items };
}

const orderCount = () => t.deps.prisma.order.count();

/** The routes of the cart that take a body, each with a valid body to corrupt. */
const WRITES: { name: string; method: 'post' | 'put'; path: (item: number) => string }[] = [
  { name: 'POST /api/cart/items/', method: 'post', path: () => '/api/cart/items/' },
  { name: 'PUT /api/cart/items/{id}/', method: 'put', path: (item) => `/api/cart/items/${item}/` },
  { name: 'POST /api/cart/checkout/', method: 'post', path: () => '/api/cart/checkout/' },
];

describe.each(WRITES)('$name with a body that is not what it takes', ({ method, path }) => {
  it.each(Object.entries(HOSTILE_RAW_BODIES))('when the body is %s, then a 400 JSON error and nothing changed', async (name, raw) => {
    const customer = await customerWithCart();
    const before = await cartRows(t.deps.prisma, customer.sub);
    const orders = await orderCount();

    const res = await request(t.app)
      [method](path(customer.items[0]!))
      .set('Authorization', customer.auth)
      .set('Content-Type', 'application/json')
      .send(raw);

    // An empty object is a valid checkout: with the product service down it is a 503 and nothing is done.
    if (name === 'an empty object' && path(0).endsWith('checkout/')) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'product_service_unavailable' });
    } else {
      expect(res.status).toBe(400);
      expect(res.body.code).toMatch(/^(validation_failed|malformed_json)$/);
      expect(res.body.error).toEqual(expect.any(String));
    }
    expect(await cartRows(t.deps.prisma, customer.sub)).toEqual(before);
    expect(await orderCount()).toBe(orders);
  });

  it('when the body is over 100 kB, then 413; not JSON, then 415; nothing changed', async () => {
    const customer = await customerWithCart();
    const before = await cartRows(t.deps.prisma, customer.sub);

    const huge = await request(t.app)
      [method](path(customer.items[0]!))
      .set('Authorization', customer.auth)
      .set('Content-Type', 'application/json')
      .send(oversizedBody());
    const text = await request(t.app)
      [method](path(customer.items[0]!))
      .set('Authorization', customer.auth)
      .set('Content-Type', 'text/plain')
      .send('quantity=1');

    expect(huge.status).toBe(413);
    expect(text.status).toBe(415);
    expect(await cartRows(t.deps.prisma, customer.sub)).toEqual(before);
  });
});

describe('POST /api/cart/items/ and PUT /api/cart/items/{id}/ with bad fields', () => {
  const quantities: Record<string, unknown> = {
    'a zero quantity': 0,
    'a negative quantity': -1,
    'a quantity over 1000': 1001,
    'a fractional quantity': 1.5,
    'a numeric string': '2',
    'a boolean': true,
    null: null,
    'an object': { n: 1 },
    'a huge number': 1e300,
  };
  it.each(Object.entries(quantities))(
    'when the quantity is %s, then 400 validation_failed naming quantity, nothing changed',
    async (_name, quantity) => {
      const customer = await customerWithCart();
      const before = await cartRows(t.deps.prisma, customer.sub);

      const add = await request(t.app).post('/api/cart/items/').set('Authorization', customer.auth).send({ product_id: 1, quantity });
      const put = await request(t.app).put(`/api/cart/items/${customer.items[0]}/`).set('Authorization', customer.auth).send({ quantity });

      for (const res of [add, put]) {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'validation_failed' });
        expect(res.body.details.quantity).toEqual([expect.any(String)]);
      }
      expect(await cartRows(t.deps.prisma, customer.sub)).toEqual(before);
    },
  );

  const productIds: Record<string, unknown> = {
    zero: 0,
    negative: -4,
    'beyond 32 bits': 2 ** 31,
    fractional: 2.5,
    'a numeric string': '1',
    'a path': '1/../2',
    null: null,
    'an array': [1],
  };
  it.each(Object.entries(productIds))('when the product_id is %s, then 400 naming product_id', async (_name, productId) => {
    const customer = await customerWithCart();
    const before = await cartRows(t.deps.prisma, customer.sub);

    const res = await request(t.app)
      .post('/api/cart/items/')
      .set('Authorization', customer.auth)
      .send({ product_id: productId, quantity: 1 });

    expect(res.status).toBe(400);
    expect(res.body.details.product_id).toEqual([expect.any(String)]);
    expect(await cartRows(t.deps.prisma, customer.sub)).toEqual(before);
  });

  it('when a field is missing or unknown, or an integer is written 1.0, then 400 and nothing changed', async () => {
    const customer = await customerWithCart();
    const before = await cartRows(t.deps.prisma, customer.sub);
    const add = (body: string) =>
      request(t.app).post('/api/cart/items/').set('Authorization', customer.auth).set('Content-Type', 'application/json').send(body);

    const noQuantity = await add('{"product_id": 1}');
    const noProduct = await add('{"quantity": 1}');
    const extra = await add('{"product_id": 1, "quantity": 1, "price": "0.01"}');
    const float = await add('{"product_id": 1, "quantity": 1.0}');
    const floatPut = await request(t.app)
      .put(`/api/cart/items/${customer.items[0]}/`)
      .set('Authorization', customer.auth)
      .set('Content-Type', 'application/json')
      .send('{"quantity": 2e0}');
    const extraPut = await request(t.app)
      .put(`/api/cart/items/${customer.items[0]}/`)
      .set('Authorization', customer.auth)
      .send({ quantity: 2, product_id: 3 });

    expect(noQuantity.body.details).toEqual({ quantity: ['is required'] });
    expect(noProduct.body.details).toEqual({ product_id: ['is required'] });
    expect(extra.body.details.body).toEqual([expect.stringContaining('price')]);
    for (const res of [noQuantity, noProduct, extra, float, floatPut, extraPut]) expect(res.status).toBe(400);
    expect(await cartRows(t.deps.prisma, customer.sub)).toEqual(before);
  });

  it('when the line would pass 1000 of a product, or the cart already has 100 lines, then 400 and nothing changed', async () => {
    // The product service is unreachable, so these rules are shown on the repository directly.
    const sub = `customer-${randomUUID()}`;
    await seedCart(
      t.deps.prisma,
      sub,
      Array.from({ length: 100 }, (_, i) => ({ productId: i + 1, quantity: i === 0 ? 999 : 1 })),
    );
    const before = await cartRows(t.deps.prisma, sub);
    const carts = new CartsRepository(t.deps.prisma);

    expect(await carts.addLine(sub, 1, 2)).toEqual({ kind: 'quantity_over_limit', total: 1001 });
    expect(await carts.addLine(sub, 101, 1)).toEqual({ kind: 'too_many_lines' });
    expect(await carts.addLine(sub, 1, 1)).toMatchObject({ kind: 'added' });
    expect(((await cartRows(t.deps.prisma, sub)) as { items: { quantity: number }[] }).items[0]?.quantity).toBe(1000);
    expect(before).not.toBeNull();
  });
});

describe('the line ids of PUT and DELETE /api/cart/items/{id}/', () => {
  it.each(['abc', '0', '-1', '1.5', '99999999999', '%00', '1e3'])('when the id is %s, then 404 Cart item not found', async (id) => {
    const customer = await customerWithCart();
    const before = await cartRows(t.deps.prisma, customer.sub);

    const put = await request(t.app).put(`/api/cart/items/${id}/`).set('Authorization', customer.auth).send({ quantity: 1 });
    const del = await request(t.app).delete(`/api/cart/items/${id}/`).set('Authorization', customer.auth);

    for (const res of [put, del]) expect(res.status === 404 && res.body.code === 'not_found').toBe(true);
    expect(await cartRows(t.deps.prisma, customer.sub)).toEqual(before);
  });

  it('when the line is another customer’s, then 404 and it is untouched', async () => {
    const owner = await customerWithCart();
    const other = await customerWithCart();
    const before = await cartRows(t.deps.prisma, owner.sub);

    const del = await request(t.app).delete(`/api/cart/items/${owner.items[0]}/`).set('Authorization', other.auth);
    const put = await request(t.app).put(`/api/cart/items/${owner.items[0]}/`).set('Authorization', other.auth).send({ quantity: 5 });

    expect(del.status).toBe(404);
    expect(put.status).toBe(404);
    expect(await cartRows(t.deps.prisma, owner.sub)).toEqual(before);
  });

  it('when the owner removes a line, then 204 and only that line is gone', async () => {
    const customer = await customerWithCart();

    const res = await request(t.app).delete(`/api/cart/items/${customer.items[0]}/`).set('Authorization', customer.auth);

    expect(res.status).toBe(204);
    expect(((await cartRows(t.deps.prisma, customer.sub)) as { items: { id: number }[] }).items.map((i) => i.id)).toEqual([
      customer.items[1],
    ]);
  });
});

describe('POST /api/cart/checkout/ with bad fields', () => {
  const address = { name: 'Ada', line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };
  const hostileText = { ...UNPAIRED_SURROGATES, ...CONTROL_CHARACTERS, ...INVISIBLE_ONLY };
  const bodies: Record<string, { body: unknown; field: string }> = {
    'customer_name as a number': { body: { customer_name: 42 }, field: 'customer_name' },
    'a blank customer_name': { body: { customer_name: '   ' }, field: 'customer_name' },
    'a customer_name of 201 characters': { body: { customer_name: 'x'.repeat(201) }, field: 'customer_name' },
    'an unknown field': { body: { items: [{ product_id: 1, quantity: 1 }] }, field: 'body' },
    'shipping_address as a string': { body: { shipping_address: '1 Main St' }, field: 'shipping_address' },
    'shipping_address without a country': {
      body: { shipping_address: { ...address, country: undefined } },
      field: 'shipping_address.country',
    },
    'shipping_address without line1': { body: { shipping_address: { ...address, line1: undefined } }, field: 'shipping_address.line1' },
    'an unknown country code': { body: { shipping_address: { ...address, country: 'XX' } }, field: 'shipping_address.country' },
    'a three-letter country': { body: { shipping_address: { ...address, country: 'USA' } }, field: 'shipping_address.country' },
    'a country with a space': { body: { shipping_address: { ...address, country: 'U ' } }, field: 'shipping_address.country' },
    'a postal code with a slash': {
      body: { shipping_address: { ...address, postal_code: '12/34' } },
      field: 'shipping_address.postal_code',
    },
    'a postal code of 21 characters': {
      body: { shipping_address: { ...address, postal_code: '1'.repeat(21) } },
      field: 'shipping_address.postal_code',
    },
    'a city of 101 characters': { body: { shipping_address: { ...address, city: 'c'.repeat(101) } }, field: 'shipping_address.city' },
    'an unknown address field': { body: { shipping_address: { ...address, street: 'x' } }, field: 'shipping_address' },
    'line2 as a number': { body: { shipping_address: { ...address, line2: 7 } }, field: 'shipping_address.line2' },
  };
  for (const [name, text] of Object.entries(hostileText)) {
    bodies[`a customer_name with ${name}`] = { body: { customer_name: text }, field: 'customer_name' };
    bodies[`an address name with ${name}`] = { body: { shipping_address: { ...address, name: text } }, field: 'shipping_address.name' };
    bodies[`a line2 with ${name}`] = { body: { shipping_address: { ...address, line2: text } }, field: 'shipping_address.line2' };
    bodies[`a region with ${name}`] = { body: { shipping_address: { ...address, region: text } }, field: 'shipping_address.region' };
  }

  it.each(Object.entries(bodies))(
    'when it has %s, then 400 naming the field, no order, the cart unchanged',
    async (_name, { body, field }) => {
      const customer = await customerWithCart();
      const before = await cartRows(t.deps.prisma, customer.sub);
      const orders = await orderCount();

      const res = await request(t.app)
        .post('/api/cart/checkout/')
        .set('Authorization', customer.auth)
        .send(body as object);

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(res.body.details[field]).toEqual([expect.any(String)]);
      expect(await cartRows(t.deps.prisma, customer.sub)).toEqual(before);
      expect(await orderCount()).toBe(orders);
    },
  );

  it.each(['has space', 'é', '', 'x'.repeat(256)])(
    'when the Idempotency-Key is "%s", then 400 invalid_idempotency_key and nothing done',
    async (key) => {
      const customer = await customerWithCart();
      const before = await cartRows(t.deps.prisma, customer.sub);

      const res = await request(t.app).post('/api/cart/checkout/').set('Authorization', customer.auth).set('Idempotency-Key', key).send({});

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_idempotency_key');
      expect(await cartRows(t.deps.prisma, customer.sub)).toEqual(before);
    },
  );

  it('when the product service cannot be reached, then 503 product_service_unavailable, no order, the cart unchanged and unlocked', async () => {
    const customer = await customerWithCart();
    const before = await cartRows(t.deps.prisma, customer.sub);

    const res = await request(t.app)
      .post('/api/cart/checkout/')
      .set('Authorization', customer.auth)
      .set('Idempotency-Key', `k-${customer.sub}`)
      .send();
    const again = await request(t.app)
      .post('/api/cart/checkout/')
      .set('Authorization', customer.auth)
      .set('Idempotency-Key', `k-${customer.sub}`)
      .send();

    expect(res).toMatchObject({ status: 503, body: { code: 'product_service_unavailable', error: 'Product service unavailable' } });
    // Nothing was done, so the key was not used up: the repeat runs again (and meets the same outage).
    expect(again.status).toBe(503);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await cartRows(t.deps.prisma, customer.sub)).toEqual(before);
    expect(await request(t.app).delete(`/api/cart/items/${customer.items[1]}/`).set('Authorization', customer.auth)).toMatchObject({
      status: 204,
    });
  });
});

describe('the cart routes and who calls them', () => {
  const routes: [string, 'get' | 'post' | 'put' | 'delete', unknown?][] = [
    ['/api/cart/', 'get'],
    ['/api/cart/', 'delete'],
    ['/api/cart/items/', 'post', { product_id: 1, quantity: 1 }],
    ['/api/cart/items/1/', 'put', { quantity: 1 }],
    ['/api/cart/items/1/', 'delete'],
    ['/api/cart/checkout/', 'post', {}],
  ];

  it.each(routes)('%s %s: anonymous 401, admin and service 403, every forged token 401', async (path, method, body) => {
    const send = (auth?: string) => {
      const req = request(t.app)[method](path);
      if (auth) req.set('Authorization', auth);
      return body === undefined ? req : req.send(body as object);
    };

    const anonymous = await send();
    const admin = await send(bearer('admin', 'root'));
    const service = await send(bearer('service', 'order-service'));

    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect(admin).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(service.status).toBe(403);
    for (const [name, header] of Object.entries(hostileAuthHeaders('customer'))) {
      const res = await send(header);
      expect(`${name}: ${res.status} ${res.body.code}`).toBe(`${name}: 401 unauthorized`);
    }
  });

  it('when a query parameter is sent, then 400 validation_failed', async () => {
    const customer = await customerWithCart();

    const res = await request(t.app).get('/api/cart/?user=someone-else').set('Authorization', customer.auth);

    expect(res).toMatchObject({ status: 400, body: { code: 'validation_failed', details: { user: [expect.any(String)] } } });
  });

  it('when a customer without a cart empties it, then 204; with the product service down, reading a cart with lines is 503', async () => {
    const nobody = bearer('customer', `customer-${randomUUID()}`);
    const customer = await customerWithCart();

    const clear = await request(t.app).delete('/api/cart/').set('Authorization', nobody);
    const emptyView = await request(t.app).get('/api/cart/').set('Authorization', nobody);
    const view = await request(t.app).get('/api/cart/').set('Authorization', customer.auth);

    expect(clear.status).toBe(204);
    expect(emptyView.body).toEqual({ items: [], total_amount: '0.00', updated_at: null });
    expect(view).toMatchObject({ status: 503, body: { code: 'product_service_unavailable' } });
  });
});
