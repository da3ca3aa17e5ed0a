import { randomUUID } from 'node:crypto';
import { productJson } from '@order-system/contracts';
import { createLogger, createTokenService } from '@order-system/platform';
import {
  bearer,
  migratedDatabaseUrl,
  type ServiceProcess,
  startProxy,
  startServiceProcess,
  type TcpProxy,
  TEST_JWT_SECRET,
  waitFor,
} from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProductClient } from '../src/upstream/product.client.js';
import { createUpstreamClient, type RequestContext, type UpstreamClient } from '../src/upstream/upstream-client.js';
import { UpstreamError } from '../src/upstream/upstream-error.js';
import { closedPortUrl } from './order-app.js';

// The client against the real product service, with faults made by a real TCP proxy in between.
let product: ServiceProcess;
let proxy: TcpProxy;
const clients: UpstreamClient[] = [];
const tokens = createTokenService(TEST_JWT_SECRET);

beforeAll(async () => {
  product = await startServiceProcess('product', {
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: migratedDatabaseUrl('product'),
    SEED_DEMO_PRODUCTS: 'false',
  });
  proxy = await startProxy(product.url);
});
afterEach(() => proxy.setRules([]));
afterAll(async () => {
  for (const client of clients) client.close();
  await proxy?.close();
  await product?.stop();
});

function client(baseUrl = proxy.url, timeoutMs = 1000): UpstreamClient {
  const created = createUpstreamClient({ service: 'product', baseUrl, timeoutMs, retries: 2, retryBaseDelayMs: 5, tokens });
  clients.push(created);
  return created;
}

function context(): RequestContext {
  return { requestId: `test-${randomUUID()}`, log: createLogger({ service: 'order', level: 'silent' }) };
}

async function createProduct(stock: number): Promise<number> {
  const res = await fetch(`${product.url}/api/products/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: bearer('admin') },
    body: JSON.stringify({ name: 'Lamp', price: '12.50', stock }),
  });
  return productJson.parse(await res.json()).id;
}

async function stockOf(id: number): Promise<number> {
  return productJson.parse(await (await fetch(`${product.url}/api/products/${id}/`)).json()).stock;
}

const requestsTo = (path: string) => proxy.requests.filter((r) => r.path === path);

/** One idempotent GET through the client, as any caller makes it. */
function getProduct(http: UpstreamClient, id: number) {
  return http.send({ operation: `get product ${id}`, method: 'GET', path: `/api/products/${id}/`, retry: true }, context());
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(err)}`);
  return err;
}

describe('upstream client', () => {
  it('when the first two attempts are reset, then the third succeeds', async () => {
    const id = await createProduct(3);
    const path = `/api/products/${id}/`;
    proxy.setRules([{ method: 'GET', path, fault: { kind: 'reset' }, times: 2 }]);

    const found = await getProduct(client(), id);

    expect(productJson.parse(found.body).id).toBe(id);
    expect(requestsTo(path).map((r) => r.fault)).toEqual(['reset', 'reset', 'pass']);
  });

  it('when the service answers 404, then it is not retried', async () => {
    const path = '/api/products/987654/';

    const err = await failure(getProduct(client(), 987654));

    expect(err.status).toBe(404);
    expect(requestsTo(path)).toHaveLength(1);
  });

  it('when every attempt is reset, then an UpstreamError of kind reset after 3 attempts (the outcome is unknown)', async () => {
    const id = await createProduct(3);
    proxy.setRules([{ path: `/api/products/${id}/`, fault: { kind: 'reset' } }]);

    const err = await failure(getProduct(client(), id));

    expect(err.attempts.map((a) => a.kind)).toEqual(['reset', 'reset', 'reset']);
    expect(err.neverArrived).toBe(false);
  });

  it('when the service never answers, then each attempt times out on its own and the error is a timeout', async () => {
    const id = await createProduct(3);
    proxy.setRules([{ path: `/api/products/${id}/`, fault: { kind: 'hang' } }]);
    const started = Date.now();

    const err = await failure(getProduct(client(proxy.url, 150), id));

    expect(err.attempts.map((a) => a.kind)).toEqual(['timeout', 'timeout', 'timeout']);
    // Three whole timeouts: the retries do not share one budget.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('when nothing listens, then the error says the request never arrived', async () => {
    const err = await failure(getProduct(client(await closedPortUrl()), 1));

    expect(err.attempts.map((a) => a.kind)).toEqual(['unreachable', 'unreachable', 'unreachable']);
    expect(err.neverArrived).toBe(true);
  });

  it('when a reservation is made but its answer is lost, then the retry gets the same reservation and no more stock is taken', async () => {
    const id = await createProduct(5);
    proxy.setRules([{ method: 'POST', path: '/api/products/reservations/', fault: { kind: 'drop-response' }, times: 1 }]);
    const reservationId = randomUUID();

    await new ProductClient(client()).reserve(reservationId, [{ productId: id, quantity: 2 }], context());

    expect(requestsTo('/api/products/reservations/').map((r) => r.fault)).toEqual(['drop-response', 'pass']);
    expect(await stockOf(id)).toBe(3);
  });

  it('when a call is made, then it carries the request id and a service token the product service accepts', async () => {
    const id = await createProduct(5);
    const ctx = context();
    const reservationId = randomUUID();
    const products = new ProductClient(client());

    await products.reserve(reservationId, [{ productId: id, quantity: 1 }], ctx);
    const released = await products.void(reservationId, 'test', ctx);
    const unknown = await products.void(randomUUID(), 'test', ctx);

    expect(released).toBe('released');
    expect(unknown).toBe('voided');
    expect(await stockOf(id)).toBe(5);
    const seen = await waitFor(() => {
      const lines = product.logs.filter((line) => line.request_id === ctx.requestId && line.msg === 'request completed');
      return lines.length >= 3 && lines;
    });
    expect(seen.map((line) => (line.res as { status: number }).status)).toEqual([201, 200, 200]);
  });

  it('when a 4xx answers a reservation, then it is final and carries the body', async () => {
    const id = await createProduct(1);

    const err = await failure(new ProductClient(client()).reserve(randomUUID(), [{ productId: id, quantity: 2 }], context()));

    expect(err.attempts).toHaveLength(1);
    expect(err.status).toBe(409);
    expect(err.bodyField('product_id')).toBe(id);
  });
});
