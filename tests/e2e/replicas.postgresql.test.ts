import { randomUUID } from 'node:crypto';
import type { OrderJson } from '@order-system/contracts';
import { gate, waitFor } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from './fleet.js';
import { ADMIN, call } from './harness.js';

// Two replicas of every service on PostgreSQL behind round-robin balancers: the contract's
// invariants hold with the database alone keeping them, and a killed order replica's orders are
// finished by the other one once their leases expire.
const LEASE_TTL_MS = 3000;
let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({
    ORDER_LEASE_TTL_MS: String(LEASE_TTL_MS),
    RECOVERY_INTERVAL_MS: '200',
    RECOVERY_GRACE_MS: '500',
    // Long enough that a held charge is still awaited when its replica is killed.
    UPSTREAM_TIMEOUT_MS: '20000',
    RETRY_BASE_DELAY_MS: '20',
  });
}, 120_000);
afterAll(() => fleet?.stop());

const createOrder = (body: unknown, url = fleet.balancers.order.url, headers: Record<string, string> = {}) =>
  call('POST', `${url}/api/orders/`, body, { headers });
async function getOrder(id: string): Promise<OrderJson> {
  const res = await call('GET', `${fleet.balancers.order.url}/api/orders/${id}/`);
  if (res.status !== 200) throw new Error(`reading order ${id} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as OrderJson;
}

async function createProduct(stock: number, price = '3.00'): Promise<number> {
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

/** PAID orders and their COMPLETED payments, by order id, for the given orders. */
async function paidAndCharged(ids: string[]): Promise<{ paid: string[]; charged: Map<string, number> }> {
  const { rows: paid } = await fleet.databases.order.query("SELECT id FROM orders WHERE id = ANY($1) AND status = 'PAID'", [ids]);
  const { rows: payments } = await fleet.databases.payment.query(
    "SELECT order_id, count(*)::int AS n FROM payments WHERE order_id = ANY($1) AND status = 'COMPLETED' GROUP BY order_id",
    [ids],
  );
  return { paid: paid.map((row) => row.id).sort(), charged: new Map(payments.map((row) => [row.order_id, row.n])) };
}

describe('two replicas of every service on PostgreSQL', () => {
  it('when 40 orders race for a stock of 10 through the balancers, then exactly 10 are PAID, each with one payment', async () => {
    const productId = await createProduct(10);

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => createOrder({ customer_name: `C${i}`, product_ids: [productId] })),
    );

    const ids = answers.map((a) => (a.body as { id: string }).id);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 400 && (a.body as { code: string }).code === 'out_of_stock')).toHaveLength(30);
    expect(await stockOf(productId)).toBe(0);
    const { paid, charged } = await paidAndCharged(ids);
    expect(paid).toHaveLength(10);
    expect([...charged.keys()].sort()).toEqual(paid);
    expect([...charged.values()].every((n) => n === 1)).toBe(true);
    // The work was spread over both replicas of each service.
    for (const balancer of [fleet.balancers.order, fleet.balancers.product, fleet.balancers.payment]) {
      expect([...balancer.counts.values()].every((n) => n > 0)).toBe(true);
    }
  });

  it('when overlapping multi-item orders race, then for every product the PAID quantities are its initial minus its final stock', async () => {
    const initial = [7, 5, 9];
    const productIds = await Promise.all(initial.map((stock) => createProduct(stock, '2.00')));
    const bodies = Array.from({ length: 45 }, (_, i) => ({
      customer_name: `M${i}`,
      items: [
        { product_id: productIds[i % 3] as number, quantity: 1 + (i % 2) },
        { product_id: productIds[(i + 1) % 3] as number, quantity: 1 },
      ],
    }));

    const answers = await Promise.all(bodies.map((body) => createOrder(body)));

    expect(answers.every((a) => a.status === 201 || a.status === 400)).toBe(true);
    const ids = answers.map((a) => (a.body as { id: string }).id);
    const { paid, charged } = await paidAndCharged(ids);
    expect(paid.length).toBeGreaterThan(0);
    expect([...charged.keys()].sort()).toEqual(paid);
    expect([...charged.values()].every((n) => n === 1)).toBe(true);
    for (const [index, productId] of productIds.entries()) {
      const sold = bodies
        .filter((_, i) => paid.includes(ids[i] as string))
        .flatMap((body) => body.items)
        .filter((item) => item.product_id === productId)
        .reduce((sum, item) => sum + item.quantity, 0);
      const final = await stockOf(productId);
      expect(final).toBeGreaterThanOrEqual(0);
      expect(sold).toBe((initial[index] as number) - final);
    }
  });

  it('when 20 requests with one Idempotency-Key arrive at both replicas at once, then one order is made and charged once', async () => {
    const productId = await createProduct(50, '5.00');
    const name = `Idem ${randomUUID()}`;
    const key = randomUUID();

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        createOrder({ customer_name: name, product_ids: [productId] }, undefined, { 'Idempotency-Key': key }),
      ),
    );

    const { rows } = await fleet.databases.order.query('SELECT id, status FROM orders WHERE customer_name = $1', [name]);
    expect(rows).toEqual([{ id: expect.any(String), status: 'PAID' }]);
    expect(await stockOf(productId)).toBe(49);
    const { charged } = await paidAndCharged([rows[0].id]);
    expect(charged.get(rows[0].id)).toBe(1);
    const made = answers.filter((a) => a.status === 201);
    expect(made.length).toBeGreaterThanOrEqual(1);
    expect(new Set(made.map((a) => (a.body as { id: string }).id))).toEqual(new Set([rows[0].id]));
    expect(answers.map((a) => a.status).filter((s) => s !== 201 && s !== 409 && s !== 202)).toEqual([]);
  }, 60_000);

  it('when a request with an Idempotency-Key is still running on one replica, then a repeat through the other is 409 idempotency_key_in_progress', async () => {
    const [placer, other] = fleet.orders as [(typeof fleet.orders)[0], (typeof fleet.orders)[0]];
    const productId = await createProduct(5, '4.00');
    const charged = gate();
    const charge = /^\/api\/payments\/?$/;
    const seenBefore = fleet.paymentProxy.requests.length;
    fleet.paymentProxy.setRules([{ method: 'POST', path: charge, fault: { kind: 'late', until: charged.opened }, times: 1 }]);
    const body = { customer_name: `Key ${randomUUID()}`, product_ids: [productId] };
    const key = { 'Idempotency-Key': randomUUID() };
    const placing = createOrder(body, placer.url, key);
    // The order is written and its charge is on the way: the first request is still running.
    await waitFor(() => fleet.paymentProxy.requests.slice(seenBefore).some((r) => r.method === 'POST' && charge.test(r.path)), 20_000);

    const repeat = await createOrder(body, other.url, key);

    expect(repeat.status).toBe(409);
    expect(repeat.body).toMatchObject({ code: 'idempotency_key_in_progress' });
    charged.open();
    const first = await placing;
    expect(first.status).toBe(201);
    fleet.paymentProxy.setRules([]);
    const again = await createOrder(body, other.url, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((again.body as { id: string }).id).toBe((first.body as { id: string }).id);
  }, 60_000);

  it('when an order is being placed on one replica, then a cancel through the other is refused with 409 order_in_progress', async () => {
    const [placer, other] = fleet.orders as [(typeof fleet.orders)[0], (typeof fleet.orders)[0]];
    const productId = await createProduct(5, '4.00');
    const charged = gate();
    const charge = /^\/api\/payments\/?$/;
    const seenBefore = fleet.paymentProxy.requests.length;
    fleet.paymentProxy.setRules([{ method: 'POST', path: charge, fault: { kind: 'late', until: charged.opened }, times: 1 }]);
    const name = `InProgress ${randomUUID()}`;
    const placing = createOrder({ customer_name: name, product_ids: [productId] }, placer.url);
    await waitFor(() => fleet.paymentProxy.requests.slice(seenBefore).some((r) => r.method === 'POST' && charge.test(r.path)), 20_000);
    const { rows } = await fleet.databases.order.query('SELECT id FROM orders WHERE customer_name = $1', [name]);
    const id = rows[0].id as string;

    const early = await call('POST', `${other.url}/api/orders/${id}/cancel/`, {}, { auth: ADMIN });

    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'order_in_progress' });
    charged.open();
    expect((await placing).status).toBe(201);
    fleet.paymentProxy.setRules([]);
    expect((await getOrder(id)).status).toBe('PAID');
  }, 60_000);

  it('when an order replica is killed while its charges are in flight, then the other one finishes or compensates each order once its lease expired', async () => {
    const [doomed, survivor] = fleet.orders as [(typeof fleet.orders)[0], (typeof fleet.orders)[0]];
    const productId = await createProduct(10, '3.00');
    const first = gate();
    const later = gate();
    const charge = /^\/api\/payments\/?$/;
    // The charges this test holds: those after the ones earlier tests sent through the same proxy.
    const seenBefore = fleet.paymentProxy.requests.length;
    const heldCharges = () => fleet.paymentProxy.requests.slice(seenBefore).filter((r) => r.method === 'POST' && charge.test(r.path));
    fleet.paymentProxy.setRules([
      { method: 'POST', path: charge, fault: { kind: 'late', until: first.opened }, times: 2 },
      { method: 'POST', path: charge, fault: { kind: 'late', until: later.opened }, times: 2 },
    ]);

    // Four orders placed on the doomed replica, each held in its charge.
    const placing = Array.from({ length: 4 }, (_, i) =>
      createOrder({ customer_name: `K${i}`, product_ids: [productId] }, doomed.url).catch(() => null),
    );
    await waitFor(() => heldCharges().length === 4, 30_000);
    const { rows } = await fleet.databases.order.query("SELECT id FROM orders WHERE customer_name LIKE 'K_' AND status = 'PENDING'");
    const ids: string[] = rows.map((row) => row.id);
    expect(ids).toHaveLength(4);

    // While the doomed replica lives, it renews its leases: the survivor's recovery passes skip its orders.
    const since = Date.now();
    const passesBefore = survivor.logs.length;
    await waitFor(
      () =>
        Date.now() - since > 2 * LEASE_TTL_MS &&
        survivor.logs.slice(passesBefore).filter((l) => l.msg === 'recovery pass finished' && Number(l.skipped) >= 4).length >= 3,
      20_000,
    );
    for (const id of ids) expect((await getOrder(id)).status).toBe('PENDING');

    await doomed.kill();
    expect(await Promise.all(placing)).toEqual([null, null, null, null]);
    // Two charges reach the payment service after their caller died: charged, and nobody recorded it.
    first.open();
    const landed = await waitFor(async () => {
      const { rows: completed } = await fleet.databases.payment.query(
        "SELECT order_id FROM payments WHERE order_id = ANY($1) AND status = 'COMPLETED'",
        [ids],
      );
      return completed.length === 2 && completed.map((row) => row.order_id as string).sort();
    }, 20_000);

    // The survivor decides all four once the dead replica's leases expire.
    const decided = await waitFor(async () => {
      const orders = await Promise.all(ids.map(getOrder));
      return orders.every((o) => o.status !== 'PENDING') && orders;
    }, 20_000);
    // The other two charges arrive only now, after their orders were decided: refused.
    later.open();
    await waitFor(() => heldCharges().filter((r) => r.forwarded).length === 4, 20_000);
    await waitFor(
      () =>
        fleet.payments
          .flatMap((p) => p.logs)
          .filter((l) => l.msg === 'charge refused: payment voided' && ids.includes(l.order_id as string)).length === 2,
    );

    for (const order of decided) {
      const fromPending = order.status_history.filter((h) => h.from === 'PENDING');
      expect(fromPending).toHaveLength(1);
      expect(fromPending[0]?.by).toBe('system');
      if (landed.includes(order.id)) {
        expect(order).toMatchObject({ status: 'PAID', payment_status: 'COMPLETED' });
      } else {
        expect(order).toMatchObject({ status: 'CANCELLED', cancellation_reason: 'Order interrupted before payment; not charged' });
        const { rows: payment } = await fleet.databases.payment.query('SELECT status FROM payments WHERE order_id = $1', [order.id]);
        expect(payment).toEqual([{ status: 'VOIDED' }]);
      }
    }
    const decidedBySurvivor = survivor.logs
      .filter((l) => l.msg === 'interrupted order completed: PAID' || l.msg === 'interrupted order cancelled')
      .map((l) => l.order_id as string)
      .filter((id) => ids.includes(id));
    expect(decidedBySurvivor.sort()).toEqual([...ids].sort());
    // A cancelled order is recorded before its stock is released: the last release may still be on its way.
    await waitFor(async () => (await stockOf(productId)) === 8, 10_000);
  }, 90_000);
});
