import { randomUUID } from 'node:crypto';
import { bearer, migratedDatabaseUrl, type ServiceProcess, startServiceProcess, TEST_JWT_SECRET, waitFor } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, FAST_ORDER_ENV, startTrio, type Trio } from './harness.js';
import { startInProcessService } from './in-process.js';

// POST /api/orders/ with an Idempotency-Key: Stripe's semantics, over the three real services.
let trio: Trio;
const orderDatabaseUrl = migratedDatabaseUrl('order');
/** Services started beside the trio (some as processes, where a test kills or restarts one). */
const extraProcesses: ServiceProcess[] = [];

beforeAll(async () => {
  trio = await startTrio({ orderEnv: { DATABASE_URL: orderDatabaseUrl }, paymentEnv: { PAYMENT_LATENCY_MS: '0' } });
});
afterAll(async () => {
  await Promise.all(extraProcesses.map((p) => p.stop()));
  await trio.stop();
});

const withKey = (key: string, auth?: string) => ({ headers: { 'Idempotency-Key': key }, ...(auth ? { auth } : {}) });

describe('Idempotency-Key on POST /api/orders/', () => {
  it('when 20 requests with one key arrive at once, then one order is made and every other answer is a 409 or its replay', async () => {
    const product = await trio.createProduct({ price: '5.00', stock: 50 });
    const key = randomUUID();
    const body = { customer_name: 'Kai', product_ids: [product.id] };
    const answers = await Promise.all(Array.from({ length: 20 }, () => trio.createOrder(body, withKey(key))));
    const made = answers.filter((a) => a.status === 201);
    expect(made.length).toBeGreaterThanOrEqual(1);
    expect(new Set(made.map((a) => a.body.id)).size).toBe(1);
    expect(answers.every((a) => a.status === 201 || (a.status === 409 && a.body.code === 'idempotency_key_in_progress'))).toBe(true);
    expect(await trio.stockOf(product.id)).toBe(49);
  });

  it('when the same key and body are sent again, then the first answer is replayed and nothing happens twice', async () => {
    const product = await trio.createProduct({ price: '10.00', stock: 5 });
    const key = randomUUID();
    const body = { customer_name: 'Alice', items: [{ product_id: product.id, quantity: 2 }] };
    const first = await trio.createOrder(body, withKey(key));
    const again = await trio.createOrder(body, withKey(key));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await trio.stockOf(product.id)).toBe(3);
  });

  it('when the body differs only in key order, then it is the same request', async () => {
    const product = await trio.createProduct({ price: '1.00', stock: 5 });
    const key = randomUUID();
    const first = await trio.createOrder({ customer_name: 'Bo', product_ids: [product.id] }, withKey(key));
    const again = await trio.createOrder({ product_ids: [product.id], customer_name: 'Bo' }, withKey(key));
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('when the same key comes with another body, then 422 and nothing is done', async () => {
    const product = await trio.createProduct({ price: '1.00', stock: 5 });
    const key = randomUUID();
    await trio.createOrder({ customer_name: 'Cy', product_ids: [product.id] }, withKey(key));
    const other = await trio.createOrder({ customer_name: 'Cy', product_ids: [product.id, product.id] }, withKey(key));
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await trio.stockOf(product.id)).toBe(4);
  });

  it('when a refused order is repeated, then the same refusal is replayed', async () => {
    const product = await trio.createProduct({ price: '1.00', stock: 0 });
    const key = randomUUID();
    const body = { customer_name: 'Di', product_ids: [product.id] };
    const first = await trio.createOrder(body, withKey(key));
    await trio.createProduct({ price: '1.00', stock: 3 });
    const again = await trio.createOrder(body, withKey(key));
    expect(first.status).toBe(400);
    expect(first.body.code).toBe('out_of_stock');
    expect(again.status).toBe(400);
    expect(again.body).toEqual(first.body);
  });

  it('when the first request failed validation, then the key is not used up', async () => {
    const product = await trio.createProduct({ price: '1.00', stock: 1 });
    const key = randomUUID();
    const bad = await trio.createOrder({ customer_name: 'Ed' }, withKey(key));
    expect(bad.status).toBe(400);
    const good = await trio.createOrder({ customer_name: 'Ed', product_ids: [product.id] }, withKey(key));
    expect(good.status).toBe(201);
  });

  it('when two callers use the same key, then their requests do not meet', async () => {
    const product = await trio.createProduct({ price: '1.00', stock: 5 });
    const key = randomUUID();
    const body = { customer_name: 'Fay', product_ids: [product.id] };
    const anonymous = await trio.createOrder(body, withKey(key));
    const alice = await trio.createOrder(body, withKey(key, bearer('customer', 'alice')));
    const bob = await trio.createOrder(body, withKey(key, bearer('customer', 'bob')));
    expect(new Set([anonymous.body.id, alice.body.id, bob.body.id]).size).toBe(3);
    expect(alice.body.user_id).toBe('alice');
    expect(await trio.stockOf(product.id)).toBe(2);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with a space', 'a key'],
    ['empty', ''],
  ])('when the key is %s, then 400 and no order is made', async (_case, key) => {
    const product = await trio.createProduct({ price: '1.00', stock: 1 });
    const res = await trio.createOrder({ customer_name: 'Gus', product_ids: [product.id] }, withKey(key));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_idempotency_key' });
    expect(await trio.stockOf(product.id)).toBe(1);
  });

  it('when a repeat arrives while the first request is still running, then 409; after it ends, the replay', async () => {
    const slow = await startInProcessService('payment', {
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: migratedDatabaseUrl('payment'),
      PAYMENT_LATENCY_MS: '1500',
    });
    extraProcesses.push(slow);
    const order = await startInProcessService('order', {
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: migratedDatabaseUrl('order'),
      PRODUCT_SERVICE_URL: trio.product.url,
      PAYMENT_SERVICE_URL: slow.url,
      ...FAST_ORDER_ENV,
      UPSTREAM_TIMEOUT_MS: '5000',
    });
    extraProcesses.push(order);
    const product = await trio.createProduct({ price: '2.00', stock: 3 });
    const key = randomUUID();
    const body = { customer_name: 'Hal', product_ids: [product.id] };
    const first = call('POST', `${order.url}/api/orders/`, body, withKey(key));
    // The first request is inside its charge once the payment exists.
    // The first request is inside its charge once the slow payment service has stored the payment.
    const orderId = await waitFor(() => chargedOrderId(slow));
    const during = await call('POST', `${order.url}/api/orders/`, body, withKey(key));
    expect(during.status).toBe(409);
    expect(during.body).toMatchObject({ code: 'idempotency_key_in_progress' });
    const done = await first;
    expect(done.status).toBe(201);
    expect((done.body as { id: string }).id).toBe(orderId);
    const after = await call('POST', `${order.url}/api/orders/`, body, withKey(key));
    expect(after.status).toBe(201);
    expect(after.body).toEqual(done.body);
    expect(await trio.stockOf(product.id)).toBe(2);
  });

  it('when the order service dies mid-request, then a repeat after restart answers for the same order and charges nothing more', async () => {
    const slow = await startInProcessService('payment', {
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: migratedDatabaseUrl('payment'),
      PAYMENT_LATENCY_MS: '1500',
    });
    extraProcesses.push(slow);
    const databaseUrl = migratedDatabaseUrl('order');
    const env = {
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: databaseUrl,
      PRODUCT_SERVICE_URL: trio.product.url,
      PAYMENT_SERVICE_URL: slow.url,
      ...FAST_ORDER_ENV,
      UPSTREAM_TIMEOUT_MS: '5000',
    };
    const doomed = await startServiceProcess('order', env);
    const product = await trio.createProduct({ price: '4.00', stock: 3 });
    const key = randomUUID();
    const body = { customer_name: 'Jo', product_ids: [product.id] };
    const lost = call('POST', `${doomed.url}/api/orders/`, body, withKey(key)).catch(() => null);
    const orderId = await waitFor(() => chargedOrderId(slow));
    await doomed.kill();
    expect(await lost).toBeNull();

    const restarted = await startServiceProcess('order', env);
    extraProcesses.push(restarted);
    // Where replicas share the database (PostgreSQL), the dead process's lease on the order lives on until
    // it expires: until then nobody can tell it from a stalled one, and a repeat is told that the first
    // request still runs (409). On SQLite the restarted process owns the database and clears it at start.
    const again = await waitFor(async () => {
      const res = await call('POST', `${restarted.url}/api/orders/`, body, withKey(key));
      if (res.status !== 409) return res;
      expect(res.body).toMatchObject({ code: 'idempotency_key_in_progress' });
      return false;
    }, 20_000);
    expect([201, 202]).toContain(again.status);
    expect((again.body as { id: string }).id).toBe(orderId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await trio.stockOf(product.id)).toBe(2);
    const payment = await call('GET', `${slow.url}/api/payments/${orderId}/`);
    expect(payment.body).toMatchObject({ status: 'COMPLETED', amount: '4.00' });
  });

  it('when the order service restarts, then a repeat still gets the stored answer', async () => {
    const product = await trio.createProduct({ price: '3.00', stock: 4 });
    const key = randomUUID();
    const body = { customer_name: 'Ivy', product_ids: [product.id] };
    const first = await trio.createOrder(body, withKey(key));
    await trio.order.stop();
    const restarted = await startServiceProcess('order', {
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: orderDatabaseUrl,
      PRODUCT_SERVICE_URL: trio.product.url,
      PAYMENT_SERVICE_URL: trio.payment.url,
      ...FAST_ORDER_ENV,
    });
    extraProcesses.push(restarted);
    const again = await call('POST', `${restarted.url}/api/orders/`, body, withKey(key));
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(await trio.stockOf(product.id)).toBe(3);
  });
});

/** The order id of the first charge a payment process logged. */
function chargedOrderId(payment: ServiceProcess): string | undefined {
  const entry = payment.logs.find((l) => typeof l.order_id === 'string' && typeof l.payment_id === 'string');
  return entry?.order_id as string | undefined;
}
