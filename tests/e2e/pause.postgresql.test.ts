import { randomUUID } from 'node:crypto';
import type { OrderJson } from '@order-system/contracts';
import { gate, pauser, type ServiceProcess, startServiceProcess, type TcpProxy, TEST_JWT_SECRET, waitFor } from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from './fleet.js';
import { ADMIN, call, type HttpResult } from './harness.js';

// Two replicas of every service on PostgreSQL. One order replica (A) is paused with SIGSTOP, for
// longer than its lease, at each step of its work; the other (B) takes the order over; then A is
// resumed. A lease is never the guarantee: whatever A does once resumed, no order is charged after
// it was decided, no reason says "not charged" of a charged order, nothing stays PENDING, stock taken
// is what PAID orders hold, and every answer is one the contract documents.
const LEASE_TTL_MS = 2000;
let fleet: Fleet;
let a: ServiceProcess;
let b: ServiceProcess;
const { pause, resume, resumeAll } = pauser();

beforeAll(async () => {
  fleet = await startFleet({
    ORDER_LEASE_TTL_MS: String(LEASE_TTL_MS),
    RECOVERY_INTERVAL_MS: '200',
    RECOVERY_GRACE_MS: '500',
    RECONCILIATION_INTERVAL_MS: '500',
    // Long enough that no call of A times out while A is paused: what A finds on waking is the point.
    UPSTREAM_TIMEOUT_MS: '20000',
    RETRY_BASE_DELAY_MS: '20',
  });
  [a, b] = fleet.orders as [ServiceProcess, ServiceProcess];
}, 120_000);
afterEach(() => {
  resumeAll();
  fleet.productProxy.setRules([]);
  fleet.paymentProxy.setRules([]);
});
afterAll(() => fleet?.stop());

async function createProduct(stock: number, price = '9.99'): Promise<number> {
  const res = await call(
    'POST',
    `${fleet.balancers.product.url}/api/products/`,
    { name: `P${randomUUID().slice(0, 6)}`, price, stock },
    { auth: ADMIN },
  );
  if (res.status !== 201) throw new Error(`creating a product failed: ${res.status}`);
  return (res.body as { id: number }).id;
}

async function stockOf(id: number): Promise<number> {
  const { rows } = await fleet.databases.product.query('SELECT stock FROM products WHERE id = $1', [id]);
  return rows[0].stock;
}

async function orderRow(id: string): Promise<{ status: string; cancellation_reason: string | null; payment_state: string }> {
  const { rows } = await fleet.databases.order.query('SELECT status, cancellation_reason, payment_state FROM orders WHERE id = $1', [id]);
  return rows[0];
}

async function paymentsOf(orderId: string): Promise<{ status: string }[]> {
  const { rows } = await fleet.databases.payment.query('SELECT status FROM payments WHERE order_id = $1', [orderId]);
  return rows;
}

/** The id of the order placed under this (unique) customer name, once it is written. */
const orderNamed = (name: string) =>
  waitFor(async () => {
    const { rows } = await fleet.databases.order.query('SELECT id FROM orders WHERE customer_name = $1', [name]);
    return rows[0]?.id as string | undefined;
  }, 20_000);

/** Waits until the order is no longer PENDING (B decided it), and returns its row. */
const decided = (id: string) =>
  waitFor(async () => {
    const row = await orderRow(id);
    return row.status !== 'PENDING' && row;
  }, 30_000);

/** Requests that passed `proxy` since `from`, matching method and path. */
const seen = (proxy: TcpProxy, from: number, method: string, path: RegExp) =>
  proxy.requests.slice(from).filter((r) => r.method === method && path.test(r.path));

const RESERVE = /^\/api\/products\/reservations\/?$/;
const CHARGE = /^\/api\/payments\/?$/;

/** The invariants, for one order and the product it bought (one unit at 9.99, from `initialStock`). */
async function expectConsistent(id: string, productId: number, initialStock: number): Promise<void> {
  const row = await orderRow(id);
  const payments = await paymentsOf(id);
  const completed = payments.filter((p) => p.status === 'COMPLETED');
  expect(row.status).not.toBe('PENDING');
  expect(payments.length).toBeLessThanOrEqual(1);
  if (row.status === 'CANCELLED') expect(completed).toEqual([]);
  if (row.status === 'PAID') expect(completed).toHaveLength(1);
  if (row.cancellation_reason?.includes('not charged'))
    expect(payments.every((p) => p.status === 'VOIDED' || p.status === 'FAILED')).toBe(true);
  await waitFor(async () => (await stockOf(productId)) === initialStock - (row.status === 'PAID' ? 1 : 0), 20_000);
}

/** A create-order answer as the contract has it: a documented status, with the order as it ended (or undecided). */
async function expectDocumentedAnswer(res: HttpResult, id: string): Promise<void> {
  expect([201, 202, 400, 503]).toContain(res.status);
  const body = res.body as OrderJson & { code?: string };
  expect(body.id).toBe(id);
  const row = await orderRow(id);
  if (res.status === 201) expect(row.status).toBe('PAID');
  if (res.status === 400 || res.status === 503) expect(row.status).toBe('CANCELLED');
  if (res.status !== 201) expect(typeof body.code).toBe('string');
}

/**
 * Places an order on A with `rule` applied to A's calls, waits until A's request is at the proxy,
 * pauses A, lets B decide the order, releases the held request, resumes A, and returns A's answer.
 */
async function pauseAt(
  proxy: TcpProxy,
  method: string,
  path: RegExp,
  fault: (held: Promise<void>) => Parameters<TcpProxy['setRules']>[0][0]['fault'],
) {
  const productId = await createProduct(5);
  const name = `Paused ${randomUUID()}`;
  const held = gate();
  const from = proxy.requests.length;
  proxy.setRules([{ method, path, fault: fault(held.opened), times: 1 }]);

  const answer = call('POST', `${a.url}/api/orders/`, { customer_name: name, product_ids: [productId] });
  await waitFor(() => seen(proxy, from, method, path).length > 0, 20_000);
  pause(a);
  const id = await orderNamed(name);
  const decision = await decided(id);
  held.open();
  resume(a.pid);
  const res = await answer;
  return { id, productId, decision, res };
}

describe('an order replica paused past its lease while placing an order', () => {
  it('when paused with its reservation lost on the way, then B cancels it not charged (payment and reservation voided) and A, resumed, stops', async () => {
    const { id, productId, decision, res } = await pauseAt(fleet.productProxy, 'POST', RESERVE, (until) => ({ kind: 'lose', until }));

    expect(decision).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'Order interrupted before payment; not charged' });
    // A's retry of the reservation arrives after the decision: refused, nothing reserved.
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'CANCELLED', code: 'order_interrupted' });
    expect(await paymentsOf(id)).toEqual([{ status: 'VOIDED' }]);
    await expectDocumentedAnswer(res, id);
    await expectConsistent(id, productId, 5);
  }, 60_000);

  it('when paused with the stock reserved and its answer on the way, then B releases it, and A, resumed, sends no charge', async () => {
    const from = fleet.paymentProxy.requests.length;
    const { id, productId, decision, res } = await pauseAt(fleet.productProxy, 'POST', RESERVE, (until) => ({
      kind: 'hold-response',
      until,
    }));

    expect(decision.status).toBe('CANCELLED');
    expect(res.status).toBe(503);
    expect(seen(fleet.paymentProxy, from, 'POST', CHARGE)).toEqual([]);
    await expectDocumentedAnswer(res, id);
    await expectConsistent(id, productId, 5);
  }, 60_000);

  it("when paused with the price recorded and its charge lost on the way, then B voids the payment, and A's retried charge is refused", async () => {
    const { id, productId, decision, res } = await pauseAt(fleet.paymentProxy, 'POST', CHARGE, (until) => ({ kind: 'lose', until }));

    expect(decision).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'Order interrupted before payment; not charged' });
    expect(res.status).toBe(503);
    expect(await paymentsOf(id)).toEqual([{ status: 'VOIDED' }]);
    await expectDocumentedAnswer(res, id);
    await expectConsistent(id, productId, 5);
  }, 60_000);

  it('when paused just before its charge arrives, then the charge lands after B voided the payment: refused, nothing charged', async () => {
    const { id, productId, decision, res } = await pauseAt(fleet.paymentProxy, 'POST', CHARGE, (until) => ({ kind: 'late', until }));

    expect(decision.status).toBe('CANCELLED');
    expect(res.status).toBe(503);
    expect(await paymentsOf(id)).toEqual([{ status: 'VOIDED' }]);
    await expectDocumentedAnswer(res, id);
    await expectConsistent(id, productId, 5);
  }, 60_000);

  it('when paused with the charge made and its answer on the way, then B finds the charge and the order is PAID, once', async () => {
    const { id, productId, decision, res } = await pauseAt(fleet.paymentProxy, 'POST', CHARGE, (until) => ({
      kind: 'hold-response',
      until,
    }));

    expect(decision.status).toBe('PAID');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'PAID', payment_status: 'COMPLETED' });
    const history = (res.body as OrderJson).status_history.map((h) => h.to);
    expect(history).toEqual(['PENDING', 'PAID']);
    await expectConsistent(id, productId, 5);
  }, 60_000);
});

describe('an order replica paused past its lease while cancelling or recovering', () => {
  it('when paused during a cancel with its refund on the way, then B finishes the refund, and A, resumed, answers the order as it is', async () => {
    const productId = await createProduct(5);
    const placed = await call('POST', `${a.url}/api/orders/`, { customer_name: `C ${randomUUID()}`, product_ids: [productId] });
    expect(placed.status).toBe(201);
    const id = (placed.body as OrderJson).id;
    const held = gate();
    const refund = /^\/api\/payments\/[^/]+\/refund\/?$/;
    const from = fleet.paymentProxy.requests.length;
    fleet.paymentProxy.setRules([{ method: 'POST', path: refund, fault: { kind: 'late', until: held.opened }, times: 1 }]);

    const answer = call('POST', `${a.url}/api/orders/${id}/cancel/`, { reason: 'changed my mind' }, { auth: ADMIN });
    await waitFor(() => seen(fleet.paymentProxy, from, 'POST', refund).length > 0, 20_000);
    pause(a);
    await waitFor(async () => (await orderRow(id)).payment_state === 'REFUNDED', 30_000);
    held.open();
    resume(a.pid);
    const res = await answer;

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'CANCELLED', cancellation_reason: 'changed my mind', payment_status: 'REFUNDED' });
    expect(await paymentsOf(id)).toEqual([{ status: 'REFUNDED' }]);
    await waitFor(async () => (await stockOf(productId)) === 5, 20_000);
  }, 60_000);

  it('when A is paused while its recovery job decides an order, then B takes it over, and A, resumed, changes nothing', async () => {
    const productId = await createProduct(5);
    const name = `Orphan ${randomUUID()}`;
    // A third replica places an order and dies with its charge on the way: an order for the recovery jobs.
    const doomed = await startServiceProcess('order', {
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: fleet.databaseUrls.order,
      PRODUCT_SERVICE_URL: fleet.balancers.product.url,
      PAYMENT_SERVICE_URL: fleet.paymentProxy.url,
      ORDER_LEASE_TTL_MS: String(LEASE_TTL_MS),
      RECOVERY_INTERVAL_MS: '3600000',
      UPSTREAM_TIMEOUT_MS: '20000',
    });
    const from = fleet.paymentProxy.requests.length;
    fleet.paymentProxy.setRules([{ method: 'POST', path: CHARGE, fault: { kind: 'hang' }, times: 1 }]);
    void call('POST', `${doomed.url}/api/orders/`, { customer_name: name, product_ids: [productId] }).catch(() => null);
    await waitFor(() => seen(fleet.paymentProxy, from, 'POST', CHARGE).length > 0, 60_000);
    const id = await orderNamed(name);
    // B is paused first, so that A's recovery job is the one that takes the orphan.
    pause(b);
    await doomed.kill();
    const held = gate();
    const lookup = new RegExp(`^/api/payments/${id}/?$`);
    fleet.paymentProxy.setRules([{ method: 'GET', path: lookup, fault: { kind: 'late', until: held.opened }, times: 1 }]);
    await waitFor(() => seen(fleet.paymentProxy, from, 'GET', lookup).length > 0, 30_000);
    pause(a);
    resume(b.pid);
    const decision = await decided(id);
    held.open();
    resume(a.pid);
    // A's recovery, resumed, finds its writes refused: the order stays as B decided it.
    await waitFor(() => a.logs.some((l) => l.msg === 'the order changed meanwhile; left as it is' && l.order_id === id), 20_000);

    expect(decision).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'Order interrupted before payment; not charged' });
    expect(await orderRow(id)).toEqual(decision);
    expect(await paymentsOf(id)).toEqual([{ status: 'VOIDED' }]);
    await expectConsistent(id, productId, 5);
  }, 90_000);
});

describe('an order replica paused past its lease mid-load', () => {
  it('when one replica is paused for longer than its lease while orders race for stock, then every guarantee holds', async () => {
    const initial = 40;
    const productId = await createProduct(initial, '2.50');
    const names = Array.from({ length: 60 }, (_, i) => `Load ${i} ${randomUUID().slice(0, 8)}`);
    const answers: { name: string; res: HttpResult }[] = [];
    // One order of A's is in its hands when it stops, whatever the timing: its charge is held at the
    // proxy until A is paused, so B must take that one over at least.
    const inHand = `Load held ${randomUUID().slice(0, 8)}`;
    const held = gate();
    const from = fleet.paymentProxy.requests.length;
    fleet.paymentProxy.setRules([{ method: 'POST', path: CHARGE, fault: { kind: 'late', until: held.opened }, times: 1 }]);
    const heldAnswer = call('POST', `${a.url}/api/orders/`, { customer_name: inHand, product_ids: [productId] });
    await waitFor(() => seen(fleet.paymentProxy, from, 'POST', CHARGE).length > 0, 20_000);
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++] as string;
        answers.push({
          name,
          res: await call('POST', `${fleet.balancers.order.url}/api/orders/`, { customer_name: name, product_ids: [productId] }),
        });
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, worker));
    await waitFor(() => answers.length >= 10, 30_000);
    pause(a);
    held.open();
    const pausedAt = Date.now();
    // B takes over the orders A was placing once their leases expire, and decides them.
    await waitFor(async () => {
      const { rows } = await fleet.databases.order.query(
        "SELECT count(*)::int AS n FROM orders WHERE customer_name LIKE 'Load %' AND status = 'PENDING'",
      );
      return Date.now() - pausedAt > LEASE_TTL_MS && rows[0].n === 0;
    }, 30_000);
    resume(a.pid);
    await load;
    answers.push({ name: inHand, res: await heldAnswer });

    expect(answers).toHaveLength(names.length + 1);
    expect(answers.filter(({ res }) => ![201, 202, 400, 503].includes(res.status)).map(({ res }) => [res.status, res.body])).toEqual([]);
    // Every order recorded under these names, whatever its answer said (a 503 without an order may
    // still have left one, decided since).
    const finals = await waitFor(async () => {
      const { rows } = await fleet.databases.order.query(
        'SELECT id, customer_name, status, cancellation_reason FROM orders WHERE customer_name = ANY($1)',
        [answers.map(({ name }) => name)],
      );
      return rows.every((row) => row.status !== 'PENDING') && rows;
    }, 30_000);
    const ids = finals.map((row) => row.id as string);
    const { rows: payments } = await fleet.databases.payment.query('SELECT order_id, status FROM payments WHERE order_id = ANY($1)', [ids]);
    const byOrder = new Map(payments.map((p) => [p.order_id, p.status]));
    const paid = finals.filter((row) => row.status === 'PAID');
    for (const row of finals) {
      if (row.status === 'CANCELLED') expect(byOrder.get(row.id)).not.toBe('COMPLETED');
      if (row.status === 'PAID') expect(byOrder.get(row.id)).toBe('COMPLETED');
      if (String(row.cancellation_reason).includes('not charged')) expect(['VOIDED', 'FAILED', undefined]).toContain(byOrder.get(row.id));
    }
    expect(new Set(finals.map((row) => row.customer_name)).size).toBe(finals.length);
    for (const { name, res } of answers) {
      const body = res.body as OrderJson & { code?: string };
      const row = finals.find((r) => r.customer_name === name);
      if (body.id === undefined) {
        // No order in the answer: a 503 that says why (the database, or the balancer finding no replica).
        expect([res.status, body.code], name).toEqual([503, expect.stringMatching(/^(database_unavailable|service_unavailable)$/)]);
        continue;
      }
      expect(row?.id, name).toBe(body.id);
      if (res.status === 201) expect(row?.status).toBe('PAID');
      if (res.status === 400 || res.status === 503) expect(row?.status).toBe('CANCELLED');
    }
    await waitFor(async () => (await stockOf(productId)) === initial - paid.length, 20_000);
    expect(payments.length).toBe(new Set(payments.map((p) => p.order_id)).size);
    // B did take over orders A had in hand when it stopped: the held one at least.
    const takenOver = b.logs.filter(
      (l) =>
        (l.msg === 'interrupted order cancelled' || l.msg === 'interrupted order completed: PAID') && ids.includes(l.order_id as string),
    );
    const heldId = finals.find((row) => row.customer_name === inHand)?.id;
    expect(takenOver.map((l) => l.order_id)).toContain(heldId);
  }, 120_000);
});
