import type { OrderJson } from '@order-system/contracts';
import { waitFor } from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTrio, type Trio } from './harness.js';

// Contract step 6, for real: the order service is killed (SIGKILL) in the middle of placing an
// order, then started again on the same database. Its recovery job, run at start, must finish the
// order (PAID, when the payment service holds the charge) or compensate it (CANCELLED, stock back).
// Each charge is stored at once and answered 3 s later; proxies in front of both neighbours let a
// test hold a request where it wants the crash to happen.
let trio: Trio;
const products: { id: number; initialStock: number }[] = [];
beforeAll(async () => {
  trio = await startTrio({
    processes: true,
    proxyProduct: true,
    proxyPayment: true,
    paymentEnv: { PAYMENT_LATENCY_MS: '3000' },
    orderEnv: { UPSTREAM_TIMEOUT_MS: '8000' },
  });
});
afterEach(() => {
  trio.productProxy?.setRules([]);
  trio.paymentProxy?.setRules([]);
});
afterAll(() => trio?.stop());

/** What the restarted service runs with: a short grace period and frequent passes. */
const RECOVERING = { RECOVERY_GRACE_MS: '300', RECOVERY_INTERVAL_MS: '200' };

async function product(price: string, stock: number) {
  const created = await trio.createProduct({ price, stock });
  products.push({ id: created.id, initialStock: stock });
  return created;
}

/** Places an order without waiting for the answer, which the crash will swallow. */
function placeAndForget(productId: number, quantity: number): void {
  trio.createOrder({ customer_name: 'Crash', items: [{ product_id: productId, quantity }] }).catch(() => undefined);
}

/** The order of a product, once the (restarted) order service has recorded it with the wanted status. */
async function orderOf(productId: number, status: OrderJson['status']): Promise<OrderJson> {
  return waitFor(async () => {
    const orders = await trio.listOrders('?limit=100', { auth: ADMIN });
    const order = orders.body.find((o) => o.items.some((item) => item.product_id === productId));
    return order?.status === status ? order : undefined;
  }, 15_000);
}

async function crashAndRestart(): Promise<void> {
  await trio.order.kill();
  trio.productProxy?.setRules([]);
  trio.paymentProxy?.setRules([]);
  await trio.restartOrder(RECOVERING);
}

describe('when the order service dies while a charge it sent is being processed', () => {
  it('then after the restart the payment service’s record decides: PAID, charged once, its stock kept', async () => {
    const sofa = await product('250.00', 3);
    placeAndForget(sofa.id, 2);
    const pending = await orderOf(sofa.id, 'PENDING');
    await waitFor(async () => (await trio.getPayment(pending.id)).status === 200);

    await crashAndRestart();
    const paid = await orderOf(sofa.id, 'PAID');

    expect(paid.id).toBe(pending.id);
    expect(paid.payment_status).toBe('COMPLETED');
    expect(paid.status_history.at(-1)).toMatchObject({ from: 'PENDING', to: 'PAID', by: 'system' });
    expect((await trio.getPayment(paid.id)).body).toMatchObject({ status: 'COMPLETED', amount: '500.00' });
    expect(await trio.stockOf(sofa.id)).toBe(1);
    expect(trio.logsWith('order', 'interrupted order completed: PAID').map((line) => line.order_id)).toContain(paid.id);
  });
});

describe('when the order service dies while its charge has not reached the payment service', () => {
  it('then after the restart the payment is voided and the order CANCELLED as not charged, and the stock is back', async () => {
    const rug = await product('80.00', 4);
    trio.paymentProxy?.setRules([{ method: 'POST', path: '/api/payments/', fault: { kind: 'hang' } }]);
    placeAndForget(rug.id, 3);
    await waitFor(() => trio.paymentProxy?.requests.some((r) => r.method === 'POST' && r.fault === 'hang'));
    expect(await trio.stockOf(rug.id)).toBe(1);

    await crashAndRestart();
    const cancelled = await orderOf(rug.id, 'CANCELLED');

    expect(cancelled).toMatchObject({ cancellation_reason: 'Order interrupted before payment; not charged', payment_status: null });
    expect(cancelled.status_history.at(-1)).toMatchObject({ from: 'PENDING', to: 'CANCELLED', by: 'system' });
    // The charge may still arrive one day (late-charge.test.ts lets one through): the payment was voided first.
    expect((await trio.getPayment(cancelled.id)).body).toMatchObject({ status: 'VOIDED', amount: '0.00' });
    await waitFor(async () => (await trio.stockOf(rug.id)) === 4);
  });
});

describe('when the order service dies after its stock was reserved but before it knew it', () => {
  it('then after the restart the reservation is released, the payment voided and the order CANCELLED, never charged', async () => {
    const vase = await product('30.00', 5);
    // The first reservation goes through but its answer is lost; the retry hangs until the crash.
    trio.productProxy?.setRules([
      { method: 'POST', path: '/api/products/reservations/', fault: { kind: 'drop-response' }, times: 1 },
      { method: 'POST', path: '/api/products/reservations/', fault: { kind: 'hang' } },
    ]);
    placeAndForget(vase.id, 2);
    await waitFor(() => trio.productProxy?.requests.some((r) => r.fault === 'hang'));
    expect(await trio.stockOf(vase.id)).toBe(3);

    await crashAndRestart();
    const cancelled = await orderOf(vase.id, 'CANCELLED');

    expect(cancelled.cancellation_reason).toBe('Order interrupted before payment; not charged');
    expect(cancelled.status_history.at(-1)).toMatchObject({ from: 'PENDING', to: 'CANCELLED', by: 'system' });
    // Sealed before the decision: no charge can land on it any more.
    expect((await trio.getPayment(cancelled.id)).body).toMatchObject({ status: 'VOIDED', amount: '0.00' });
    await waitFor(async () => (await trio.stockOf(vase.id)) === 5);
  });
});

describe('when the order service dies before its reservation reached the product service', () => {
  it('then after the restart the order is CANCELLED as not charged, and the void it sends leaves the stock untouched', async () => {
    const jug = await product('12.00', 6);
    // The order is written PENDING (its reservation marked as sent), then the reservation is held before it arrives.
    trio.productProxy?.setRules([{ method: 'POST', path: '/api/products/reservations/', fault: { kind: 'hang' } }]);
    placeAndForget(jug.id, 4);
    const pending = await orderOf(jug.id, 'PENDING');
    await waitFor(() => trio.productProxy?.requests.some((r) => r.fault === 'hang'));

    await crashAndRestart();
    const cancelled = await orderOf(jug.id, 'CANCELLED');

    expect(cancelled.id).toBe(pending.id);
    expect(cancelled).toMatchObject({ cancellation_reason: 'Order interrupted before payment; not charged', payment_status: null });
    expect(cancelled.items).toEqual([{ product_id: jug.id, quantity: 4, name: null, unit_price: null, line_total: null }]);
    expect((await trio.getPayment(cancelled.id)).body).toMatchObject({ status: 'VOIDED', amount: '0.00' });
    // Its reservation was recorded as sent, so recovery voided it: the void found nothing and left a
    // tombstone, so the held reservation cannot take stock if it ever lands.
    const release = `/api/products/reservations/${cancelled.id}/void/`;
    await waitFor(() => trio.productProxy?.requests.some((r) => r.method === 'POST' && r.path === release));
    expect(await trio.stockOf(jug.id)).toBe(6);
  });
});

describe('after the crashes', () => {
  it('then the invariants hold: nothing PENDING, no cancelled order charged, stock = initial − what PAID orders hold', async () => {
    expect(await trio.invariantViolations(products)).toEqual([]);
  });
});
