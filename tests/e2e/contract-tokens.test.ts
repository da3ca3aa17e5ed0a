import { randomUUID } from 'node:crypto';
import type { Role } from '@order-system/platform';
import { bearer, hostileAuthCases, TEST_JWT_SECRET } from '@order-system/testing';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, call, startTrio, type Trio } from './harness.js';

// Tokens as the contract defines them (sub, role, exp; iat optional), made with a stock JWT
// library rather than the platform's signer, on every protected route of the three services.
let trio: Trio;
beforeAll(async () => {
  trio = await startTrio();
});
afterAll(() => trio?.stop());

type ServiceName = 'product' | 'payment' | 'order';

interface Prepared {
  path: string;
  body?: unknown;
}

interface ProtectedRoute {
  service: ServiceName;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path as the OpenAPI document names it. */
  template: string;
  /** The roles that may call it. */
  roles: Role[];
  /** The status a caller with one of those roles gets. */
  status: number;
  /** Makes what the call needs (with the platform's own tokens) and gives the path and body. */
  prepare: (caller: { role: Role; sub: string }) => Promise<Prepared>;
  /** An answer that never ends (Server-Sent Events): its status is read, then the stream is closed. */
  stream?: true;
}

const product = () => trio.createProduct({ price: '2.00', stock: 5 });
const paidOrder = async (owner?: string) => {
  const { id } = await product();
  const res = await trio.createOrder({ customer_name: 'Tok', product_ids: [id] }, owner ? { auth: bearer('customer', owner) } : {});
  expect(res.status).toBe(201);
  return res.body.id;
};
// An order the caller may act on: a customer's own, or an anonymous one for an admin.
const orderFor = (caller: { role: Role; sub: string }) => paidOrder(caller.role === 'customer' ? caller.sub : undefined);
/** A line of a new product in the customer's cart (added with the platform's own token): its id. */
const cartLine = async (sub: string) => {
  const { id } = await product();
  const res = await call('POST', `${trio.order.url}/api/cart/items/`, { product_id: id, quantity: 1 }, { auth: bearer('customer', sub) });
  expect(res.status).toBe(201);
  return (res.body as { items: { id: number; product_id: number }[] }).items.find((item) => item.product_id === id)!.id;
};
const charge = async () => {
  const orderId = randomUUID();
  const res = await call('POST', `${trio.payment.url}/api/payments/`, { order_id: orderId, amount: '3.00' }, { auth: ADMIN });
  expect(res.status).toBe(201);
  return orderId;
};

/** Every route of the three services that reads a token: those that need one, and those where it is optional. */
const ROUTES: ProtectedRoute[] = [
  {
    service: 'product',
    method: 'POST',
    template: '/api/products/',
    roles: ['admin'],
    status: 201,
    prepare: async () => ({ path: '/api/products/', body: { name: 'Stock', price: '1.00', stock: 1 } }),
  },
  {
    service: 'product',
    method: 'PUT',
    template: '/api/products/{id}/',
    roles: ['admin'],
    status: 200,
    prepare: async () => ({ path: `/api/products/${(await product()).id}/`, body: { name: 'Put', price: '1.50', stock: 2 } }),
  },
  {
    service: 'product',
    method: 'PATCH',
    template: '/api/products/{id}/',
    roles: ['admin'],
    status: 200,
    prepare: async () => ({ path: `/api/products/${(await product()).id}/`, body: { stock: 3 } }),
  },
  {
    service: 'product',
    method: 'DELETE',
    template: '/api/products/{id}/',
    roles: ['admin'],
    status: 204,
    prepare: async () => ({ path: `/api/products/${(await product()).id}/` }),
  },
  {
    service: 'product',
    method: 'POST',
    template: '/api/products/reservations/',
    roles: ['service', 'admin'],
    status: 201,
    prepare: async () => ({
      path: '/api/products/reservations/',
      body: { reservation_id: randomUUID(), items: [{ product_id: (await product()).id, quantity: 1 }] },
    }),
  },
  {
    service: 'product',
    method: 'DELETE',
    template: '/api/products/reservations/{reservation_id}/',
    roles: ['service', 'admin'],
    status: 200,
    prepare: async () => {
      const reservationId = randomUUID();
      const items = [{ product_id: (await product()).id, quantity: 1 }];
      const res = await call(
        'POST',
        `${trio.product.url}/api/products/reservations/`,
        { reservation_id: reservationId, items },
        { auth: ADMIN },
      );
      expect(res.status).toBe(201);
      return { path: `/api/products/reservations/${reservationId}/` };
    },
  },
  {
    service: 'product',
    method: 'POST',
    template: '/api/products/reservations/{reservation_id}/void/',
    roles: ['service', 'admin'],
    status: 200,
    prepare: async () => ({ path: `/api/products/reservations/${randomUUID()}/void/` }),
  },
  {
    service: 'payment',
    method: 'GET',
    template: '/api/payments/',
    roles: ['service', 'admin'],
    status: 200,
    prepare: async () => ({ path: '/api/payments/?limit=1' }),
  },
  {
    service: 'payment',
    method: 'POST',
    template: '/api/payments/',
    roles: ['service', 'admin'],
    status: 201,
    prepare: async () => ({ path: '/api/payments/', body: { order_id: randomUUID(), amount: '4.00' } }),
  },
  {
    service: 'payment',
    method: 'POST',
    template: '/api/payments/{order_id}/refund/',
    roles: ['service', 'admin'],
    status: 200,
    prepare: async () => ({ path: `/api/payments/${await charge()}/refund/` }),
  },
  {
    service: 'payment',
    method: 'POST',
    template: '/api/payments/{order_id}/void/',
    roles: ['service', 'admin'],
    status: 200,
    prepare: async () => ({ path: `/api/payments/${randomUUID()}/void/` }),
  },
  {
    service: 'order',
    method: 'GET',
    template: '/api/orders/',
    roles: ['customer', 'admin'],
    status: 200,
    prepare: async () => ({ path: '/api/orders/?limit=1' }),
  },
  {
    service: 'order',
    method: 'POST',
    template: '/api/orders/',
    roles: ['customer', 'admin', 'service'],
    status: 201,
    prepare: async () => ({ path: '/api/orders/', body: { customer_name: 'Stock', product_ids: [(await product()).id] } }),
  },
  {
    service: 'order',
    method: 'GET',
    template: '/api/orders/{id}/',
    roles: ['customer', 'admin'],
    status: 200,
    prepare: async (caller) => ({ path: `/api/orders/${await orderFor(caller)}/` }),
  },
  {
    service: 'order',
    method: 'POST',
    template: '/api/orders/{id}/cancel/',
    roles: ['customer', 'admin'],
    status: 200,
    prepare: async (caller) => ({ path: `/api/orders/${await orderFor(caller)}/cancel/`, body: { reason: 'Changed my mind' } }),
  },
  {
    service: 'order',
    method: 'PATCH',
    template: '/api/orders/{id}/status/',
    roles: ['admin'],
    status: 200,
    prepare: async () => ({ path: `/api/orders/${await paidOrder()}/status/`, body: { status: 'SHIPPED' } }),
  },
  {
    service: 'order',
    method: 'GET',
    template: '/api/orders/events/',
    roles: ['service', 'admin'],
    status: 200,
    prepare: async () => ({ path: '/api/orders/events/?limit=1' }),
  },
  {
    service: 'order',
    method: 'GET',
    template: '/api/orders/{id}/events/stream',
    roles: ['customer', 'admin'],
    status: 200,
    stream: true,
    prepare: async (caller) => ({ path: `/api/orders/${await orderFor(caller)}/events/stream` }),
  },
  {
    service: 'order',
    method: 'GET',
    template: '/api/orders/{id}/tracking/',
    roles: ['customer', 'admin'],
    status: 200,
    prepare: async (caller) => ({ path: `/api/orders/${await orderFor(caller)}/tracking/` }),
  },
  {
    service: 'order',
    method: 'GET',
    template: '/api/cart/',
    roles: ['customer'],
    status: 200,
    prepare: async (caller) => {
      await cartLine(caller.sub);
      return { path: '/api/cart/' };
    },
  },
  {
    service: 'order',
    method: 'DELETE',
    template: '/api/cart/',
    roles: ['customer'],
    status: 204,
    prepare: async (caller) => {
      await cartLine(caller.sub);
      return { path: '/api/cart/' };
    },
  },
  {
    service: 'order',
    method: 'POST',
    template: '/api/cart/items/',
    roles: ['customer'],
    status: 201,
    prepare: async () => ({ path: '/api/cart/items/', body: { product_id: (await product()).id, quantity: 2 } }),
  },
  {
    service: 'order',
    method: 'PUT',
    template: '/api/cart/items/{item_id}/',
    roles: ['customer'],
    status: 200,
    prepare: async (caller) => ({ path: `/api/cart/items/${await cartLine(caller.sub)}/`, body: { quantity: 3 } }),
  },
  {
    service: 'order',
    method: 'DELETE',
    template: '/api/cart/items/{item_id}/',
    roles: ['customer'],
    status: 204,
    prepare: async (caller) => ({ path: `/api/cart/items/${await cartLine(caller.sub)}/` }),
  },
  {
    service: 'order',
    method: 'POST',
    template: '/api/cart/checkout/',
    roles: ['customer'],
    status: 201,
    prepare: async (caller) => {
      await cartLine(caller.sub);
      return { path: '/api/cart/checkout/', body: {} };
    },
  },
];

const label = (route: ProtectedRoute) => `${route.method} ${route.service} ${route.template}`;
const send = async (route: ProtectedRoute, prepared: Prepared, auth: string) => {
  const url = `${trio[route.service].url}${prepared.path}`;
  if (!route.stream) return call(route.method, url, prepared.body, { auth });
  // A stream's status comes with its headers; an error is a JSON body that ends.
  const closed = new AbortController();
  const res = await fetch(url, { method: route.method, headers: { Authorization: auth }, signal: closed.signal });
  const body = res.ok ? null : await res.json();
  closed.abort();
  return { status: res.status, body, headers: res.headers };
};

/** Tokens such as any other issuer holding JWT_SECRET makes them, with jsonwebtoken itself. */
const STOCK_TOKENS: Record<string, (role: Role, sub: string) => string> = {
  'only sub, role and exp': (role, sub) =>
    jwt.sign({ sub, role, exp: Math.floor(Date.now() / 1000) + 300 }, TEST_JWT_SECRET, { algorithm: 'HS256', noTimestamp: true }),
  'sub, role, exp and iat': (role, sub) => jwt.sign({ role }, TEST_JWT_SECRET, { algorithm: 'HS256', subject: sub, expiresIn: 300 }),
  'typ access and claims we do not use (iss, aud, jti)': (role, sub) =>
    jwt.sign({ role, typ: 'access' }, TEST_JWT_SECRET, {
      algorithm: 'HS256',
      subject: sub,
      expiresIn: '15m',
      issuer: 'https://auth.example.com',
      audience: 'order-system',
      jwtid: randomUUID(),
    }),
};

describe('the table of protected routes', () => {
  it('names every operation that the three OpenAPI documents mark as reading a bearer token', async () => {
    const documented: string[] = [];
    for (const service of ['product', 'payment', 'order'] as const) {
      const doc = (await call('GET', `${trio[service].url}/openapi.json`)).body as {
        paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
      };
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          // Reads a token: one way of calling it names the bearer token (public operations have `security: []`).
          if ((operation.security ?? []).some((way) => 'bearer' in way)) documented.push(`${method.toUpperCase()} ${service} ${path}`);
        }
      }
    }
    expect(ROUTES.map(label).sort()).toEqual(documented.sort());
  });
});

describe.each(ROUTES)('$method $service $template', (route) => {
  const cases = Object.entries(STOCK_TOKENS).flatMap(([kind, make]) =>
    route.roles.map((role) => ({ kind, make, role, sub: `stock-${role}-${randomUUID().slice(0, 8)}` })),
  );

  it.each(cases)('when a $role token has $kind, then it is accepted', async ({ make, role, sub }) => {
    const prepared = await route.prepare({ role, sub });

    const res = await send(route, prepared, `Bearer ${make(role, sub)}`);

    expect(res.status, JSON.stringify(res.body)).toBe(route.status);
    if (route.template === '/api/orders/' && route.method === 'POST') {
      expect((res.body as { user_id: string | null }).user_id).toBe(role === 'customer' ? sub : null);
    }
  });

  // One target for every refused token: a 401 changes nothing, so the same call would succeed with a valid one.
  const role = route.roles[0] ?? 'admin';
  let target: Promise<Prepared> | undefined;
  const refusedTarget = () => {
    target ??= route.prepare({ role, sub: 'attacker' });
    return target;
  };

  it('when the scheme is written in lower case (RFC 7235: schemes are case-insensitive), then the token is accepted', async () => {
    const sub = `lower-${randomUUID().slice(0, 8)}`;
    const token = STOCK_TOKENS['only sub, role and exp']?.(role, sub);

    const res = await send(route, await route.prepare({ role, sub }), `bearer ${token}`);

    expect(res.status, JSON.stringify(res.body)).toBe(route.status);
  });

  it.each(hostileAuthCases(role))('when the token is %s, then 401', async (_kind, auth) => {
    const res = await send(route, await refusedTarget(), auth());

    expect(res.status, JSON.stringify(res.body)).toBe(401);
    expect(res.body).toMatchObject({ code: 'unauthorized' });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('when a stock token says typ refresh, then 401: a refresh token is never an access token', async () => {
    const token = jwt.sign({ role, typ: 'refresh' }, TEST_JWT_SECRET, { algorithm: 'HS256', subject: 'attacker', expiresIn: 300 });

    const res = await send(route, await refusedTarget(), `Bearer ${token}`);

    expect(res.status).toBe(401);
  });
});
