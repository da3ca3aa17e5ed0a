import { bearer, HOSTILE_RAW_BODIES, hostileAuthCases, oversizedBody } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// The product and payment services are unreachable here, so every order placed ends CANCELLED at
// once (503 product_service_unavailable). Enough for the edges of listing, cancelling and the
// status endpoint; the paths that reach the neighbours are in tests/e2e.
let t: TestOrderApp;
beforeAll(async () => {
  t = await createTestOrderApp();
});
afterAll(() => t.deps.close());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const ADMIN = bearer('admin', 'root');

async function placeOrder(auth?: string): Promise<{ id: string; user_id: string | null }> {
  const req = request(t.app).post('/api/orders/');
  if (auth) req.set('Authorization', auth);
  const res = await req.send({ customer_name: 'Test', product_ids: [1] });
  expect(res.status).toBe(503);
  return res.body;
}

const list = (query: string, auth?: string) => {
  const req = request(t.app).get(`/api/orders/${query}`);
  return auth ? req.set('Authorization', auth) : req;
};

describe('GET /api/orders/', () => {
  it('when there is no token, then 401 with WWW-Authenticate', async () => {
    const res = await list('');

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('when the token is a service token, then 403', async () => {
    const res = await list('', bearer('service', 'order-service'));

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });

  for (const [name, header] of hostileAuthCases('admin')) {
    it(`when the Authorization header is ${name}, then 401`, async () => {
      expect((await list('', header())).status).toBe(401);
    });
  }

  const badQueries: Record<string, string> = {
    'an unknown status': '?status=SHIPPING',
    'a lower-case status': '?status=paid',
    'two statuses': '?status=PAID&status=CANCELLED',
    'a zero limit': '?limit=0',
    'a limit above 100': '?limit=101',
    'a non-numeric limit': '?limit=ten',
    'a negative offset': '?offset=-1',
    'a fractional offset': '?offset=1.5',
  };
  for (const [name, query] of Object.entries(badQueries)) {
    it(`when the query has ${name}, then 400 validation_failed with details`, async () => {
      const res = await list(query, ADMIN);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(Object.keys(res.body.details).length).toBeGreaterThan(0);
    });
  }

  it('when a customer lists, then only their own orders, newest first, with X-Total-Count and Link', async () => {
    const sub = `cust-${Date.now()}`;
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push(await placeOrder(bearer('customer', sub)));
    await placeOrder(bearer('customer', `${sub}-other`));
    await placeOrder();

    const all = await list('', bearer('customer', sub));
    const page = await list('?limit=2&offset=1&status=CANCELLED', bearer('customer', sub));
    const none = await list('?status=PAID', bearer('customer', sub));

    expect(all.status).toBe(200);
    expect(all.body.map((order: { id: string }) => order.id)).toEqual(mine.map((order) => order.id).reverse());
    expect(all.headers['x-total-count']).toBe('3');
    expect(page.body.map((order: { id: string }) => order.id)).toEqual([mine[1]?.id, mine[0]?.id]);
    expect(page.headers['x-total-count']).toBe('3');
    const link = page.headers.link as string;
    expect(link).toContain('status=CANCELLED&limit=2&offset=0>; rel="first"');
    expect(link).toContain('offset=0>; rel="prev"');
    expect(link).not.toContain('rel="next"');
    expect(link).toContain('offset=2>; rel="last"');
    expect(none.status).toBe(200);
    expect(none.body).toEqual([]);
    expect(none.headers['x-total-count']).toBe('0');
  });

  it('when an admin lists, then every order, anonymous ones and every customer’s, each in full', async () => {
    const anonymous = await placeOrder();
    const owned = await placeOrder(bearer('customer', 'zoe'));

    const res = await list('?limit=100', ADMIN);
    const read = await request(t.app).get(`/api/orders/${owned.id}/`).set('Authorization', ADMIN);

    const ids = res.body.map((order: { id: string }) => order.id);
    expect(ids).toContain(anonymous.id);
    expect(ids).toContain(owned.id);
    expect(Number(res.headers['x-total-count'])).toBe(await t.deps.prisma.order.count());
    expect(res.body.find((order: { id: string }) => order.id === owned.id)).toEqual(read.body);
  });
});

describe('POST /api/orders/{id}/cancel/', () => {
  const cancel = (id: string, auth?: string) => {
    const req = request(t.app).post(`/api/orders/${id}/cancel/`);
    return auth ? req.set('Authorization', auth) : req;
  };

  it('when there is no token, then 401; with a service token, then 403', async () => {
    const order = await placeOrder();

    expect((await cancel(order.id)).status).toBe(401);
    expect((await cancel(order.id, bearer('service', 'svc'))).status).toBe(403);
  });

  for (const [name, header] of hostileAuthCases('admin')) {
    it(`when the Authorization header is ${name}, then 401`, async () => {
      const order = await placeOrder();

      expect((await cancel(order.id, header()).send({})).status).toBe(401);
    });
  }

  for (const [name, raw] of Object.entries(HOSTILE_RAW_BODIES)) {
    if (name === 'an empty object') continue;
    it(`when the body is ${name}, then 400 and the order is unchanged`, async () => {
      const order = await placeOrder(bearer('customer', 'bea'));

      const res = await cancel(order.id, bearer('customer', 'bea')).set('Content-Type', 'application/json').send(raw);

      expect(res.status).toBe(400);
      expect(['validation_failed', 'malformed_json']).toContain(res.body.code);
    });
  }

  const badBodies: Record<string, unknown> = {
    'an unknown field': { reason: 'x', refund: false },
    'a blank reason': { reason: '   ' },
    'a reason of 501 characters': { reason: 'x'.repeat(501) },
    'a numeric reason': { reason: 42 },
    'a null reason': { reason: null },
  };
  for (const [name, body] of Object.entries(badBodies)) {
    it(`when the body has ${name}, then 400 validation_failed`, async () => {
      const order = await placeOrder(bearer('customer', 'bea'));

      const res = await cancel(order.id, bearer('customer', 'bea')).send(body as object);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });
  }

  it('when the body is over 100 kB, then 413; when it is not JSON, then 415', async () => {
    const order = await placeOrder(bearer('customer', 'bea'));

    const big = await cancel(order.id, bearer('customer', 'bea')).set('Content-Type', 'application/json').send(oversizedBody());
    const text = await cancel(order.id, bearer('customer', 'bea')).set('Content-Type', 'text/plain').send('reason=because');

    expect(big.status).toBe(413);
    expect(text.status).toBe(415);
  });

  for (const id of ['not-a-uuid', '123', UNKNOWN_ID, "1' OR '1'='1"]) {
    it(`when the id is ${JSON.stringify(id)}, then 404 Order not found`, async () => {
      const res = await cancel(encodeURIComponent(id), ADMIN).send({});

      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Order not found', code: 'not_found' });
    });
  }

  it('when another customer cancels, then 404 as if the order did not exist, and nothing changes', async () => {
    const order = await placeOrder(bearer('customer', 'ann'));

    const res = await cancel(order.id, bearer('customer', 'eve')).send({ reason: 'mine now' });

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Order not found', code: 'not_found' });
    const read = await request(t.app).get(`/api/orders/${order.id}/`).set('Authorization', ADMIN);
    expect(read.body.status_history).toHaveLength(2);
  });

  it('when a customer cancels an anonymous order, then 403: its id lets one read it, not change it', async () => {
    const order = await placeOrder();

    const res = await cancel(order.id, bearer('customer', 'ann')).send({});

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });

  it('when the order is already CANCELLED, then 200 with the order unchanged, for its owner and for an admin', async () => {
    const order = await placeOrder(bearer('customer', 'ann'));
    const before = await request(t.app).get(`/api/orders/${order.id}/`).set('Authorization', ADMIN);

    const byOwner = await cancel(order.id, bearer('customer', 'ann'));
    const byAdmin = await cancel(order.id, ADMIN).send({ reason: 'duplicate' });

    expect(byOwner.status).toBe(200);
    expect(byAdmin.status).toBe(200);
    expect(byOwner.body).toEqual(before.body);
    expect(byAdmin.body).toEqual(before.body);
  });

  it('when the method is not POST, then 405 with Allow', async () => {
    const res = await request(t.app).get(`/api/orders/${UNKNOWN_ID}/cancel/`);

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST, OPTIONS');
  });
});

describe('PATCH /api/orders/{id}/status/', () => {
  const patch = (id: string, auth?: string) => {
    const req = request(t.app).patch(`/api/orders/${id}/status/`);
    return auth ? req.set('Authorization', auth) : req;
  };

  it('when the caller is not an admin, then 401 without a token and 403 for a customer (even the owner) or a service', async () => {
    const order = await placeOrder(bearer('customer', 'cid'));

    expect((await patch(order.id).send({ status: 'SHIPPED' })).status).toBe(401);
    expect((await patch(order.id, bearer('customer', 'cid')).send({ status: 'SHIPPED' })).status).toBe(403);
    expect((await patch(order.id, bearer('service', 'svc')).send({ status: 'SHIPPED' })).status).toBe(403);
  });

  for (const [name, header] of hostileAuthCases('admin')) {
    it(`when the Authorization header is ${name}, then 401`, async () => {
      expect((await patch(UNKNOWN_ID, header()).send({ status: 'SHIPPED' })).status).toBe(401);
    });
  }

  for (const [name, raw] of Object.entries(HOSTILE_RAW_BODIES)) {
    it(`when the body is ${name}, then 400`, async () => {
      const order = await placeOrder();

      const res = await patch(order.id, ADMIN).set('Content-Type', 'application/json').send(raw);

      expect(res.status).toBe(400);
    });
  }

  const badBodies: Record<string, unknown> = {
    'no status': {},
    'CANCELLED (cancel has its own endpoint)': { status: 'CANCELLED' },
    PAID: { status: 'PAID' },
    'a lower-case status': { status: 'shipped' },
    'a numeric status': { status: 2 },
    'an unknown field': { status: 'SHIPPED', note: 'fragile' },
  };
  for (const [name, body] of Object.entries(badBodies)) {
    it(`when the body has ${name}, then 400 validation_failed on details.status or body`, async () => {
      const order = await placeOrder();

      const res = await patch(order.id, ADMIN).send(body as object);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });
  }

  it('when the order does not exist or the id is malformed, then 404', async () => {
    expect((await patch(UNKNOWN_ID, ADMIN).send({ status: 'SHIPPED' })).status).toBe(404);
    expect((await patch('nope', ADMIN).send({ status: 'SHIPPED' })).status).toBe(404);
  });

  it('when the order is CANCELLED, then 409 invalid_status_transition naming its status, and no history row', async () => {
    const order = await placeOrder();

    const shipped = await patch(order.id, ADMIN).send({ status: 'SHIPPED' });
    const delivered = await patch(order.id, ADMIN).send({ status: 'DELIVERED' });

    for (const res of [shipped, delivered]) {
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'invalid_status_transition', order_status: 'CANCELLED' });
    }
    const read = await request(t.app).get(`/api/orders/${order.id}/`);
    expect(read.body.status_history).toHaveLength(2);
  });
});
