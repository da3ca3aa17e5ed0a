import type { OrderJson } from '@order-system/contracts';
import { waitFor } from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CartClient } from './cart-client.js';
import { startTrio, type Trio } from './harness.js';

// A checkout whose order service is killed (SIGKILL) while the charge is out, then started again on
// the same database: its recovery job finishes the order (PAID when the payment service holds the
// charge) or compensates it (CANCELLED), and the cart is emptied if and only if the order ended
// PAID. While the order is PENDING, its cart is locked. A fault proxy in front of the payment
// service holds the charge (or its answer) where the crash comes.
let trio: Trio;
const products: { id: number; initialStock: number }[] = [];
/** Lets go of what the proxy holds: after each test, the process that waited for it is dead anyway. */
let letGo: () => void = () => undefined;
beforeAll(async () => {
  trio = await startTrio({ processes: true, proxyPayment: true, orderEnv: { UPSTREAM_TIMEOUT_MS: '8000' } });
});
afterEach(() => {
  trio.paymentProxy?.setRules([]);
  letGo();
});
afterAll(() => trio?.stop());

/** What the restarted service runs with: a short grace period and frequent passes. */
const RECOVERING = { RECOVERY_GRACE_MS: '300', RECOVERY_INTERVAL_MS: '200' };

async function product(price: string, stock: number) {
  const created = await trio.createProduct({ price, stock });
  products.push({ id: created.id, initialStock: stock });
  return created;
}

/** The customer's one order, once the (restarted) order service has recorded it with the wanted status. */
async function orderOf(customer: CartClient, status: OrderJson['status']): Promise<OrderJson> {
  return waitFor(async () => {
    const orders = await customer.orders().catch(() => []);
    return orders[0]?.status === status ? orders[0] : undefined;
  }, 20_000);
}

/** A promise the test settles when it wants: what a held request or answer waits for. */
function held(): Promise<void> {
  return new Promise<void>((resolve) => {
    letGo = resolve;
  });
}

async function crashAndRestart(): Promise<void> {
  await trio.order.kill();
  trio.paymentProxy?.setRules([]);
  await trio.restartOrder(RECOVERING);
}

describe('when the order service dies while the charge of a checkout is being processed', () => {
  it('then the cart is locked while the order is PENDING, and after the restart the order is PAID and the cart emptied', async () => {
    const sofa = await product('250.00', 3);
    const cushion = await product('15.00', 10);
    const ann = new CartClient(trio);
    await ann.add(sofa.id, 1);
    await ann.add(cushion.id, 2);
    // The charge reaches the payment service, which completes it; its answer is held until the crash.
    trio.paymentProxy?.setRules([{ method: 'POST', path: '/api/payments/', fault: { kind: 'hold-response', until: held() } }]);
    ann.checkout({ customer_name: 'Ann' }).catch(() => undefined);
    const pending = await orderOf(ann, 'PENDING');
    await waitFor(async () => (await trio.getPayment(pending.id)).status === 200);

    const addDuring = await ann.add(cushion.id, 1);
    const clearDuring = await ann.clear();
    const checkoutDuring = await ann.checkout({ customer_name: 'Ann' });
    const viewDuring = await ann.get();
    await crashAndRestart();
    const paid = await orderOf(ann, 'PAID');
    const after = await ann.get();

    expect(addDuring).toMatchObject({ status: 409, body: { code: 'checkout_in_progress' } });
    expect(clearDuring).toMatchObject({ status: 409, body: { code: 'checkout_in_progress' } });
    expect(checkoutDuring).toMatchObject({ status: 409, body: { code: 'checkout_in_progress' } });
    expect(viewDuring.body.items.map((item) => [item.product_id, item.quantity])).toEqual([
      [sofa.id, 1],
      [cushion.id, 2],
    ]);
    expect(paid).toMatchObject({ id: pending.id, total_amount: '280.00', payment_status: 'COMPLETED' });
    expect(paid.status_history.at(-1)).toMatchObject({ from: 'PENDING', to: 'PAID', by: 'system' });
    expect(after.body.items).toEqual([]);
    expect(await trio.stockOf(sofa.id)).toBe(2);
    expect(await trio.stockOf(cushion.id)).toBe(8);
    // Unlocked: the customer shops on.
    expect((await ann.add(cushion.id, 1)).status).toBe(201);
  });
});

describe('when the order service dies while the charge of a checkout has not reached the payment service', () => {
  it('then after the restart the order is CANCELLED, not charged, the stock back, and the cart as it was, free to check out again', async () => {
    const rug = await product('80.00', 4);
    const bea = new CartClient(trio);
    await bea.add(rug.id, 3);
    const before = (await bea.get()).body;
    trio.paymentProxy?.setRules([{ method: 'POST', path: '/api/payments/', fault: { kind: 'hang' } }]);
    bea.checkout().catch(() => undefined);
    await waitFor(() => trio.paymentProxy?.requests.some((r) => r.method === 'POST' && r.fault === 'hang'));
    expect(await trio.stockOf(rug.id)).toBe(1);

    await crashAndRestart();
    const cancelled = await orderOf(bea, 'CANCELLED');
    await waitFor(async () => (await trio.stockOf(rug.id)) === 4);
    const after = (await bea.get()).body;

    expect(cancelled).toMatchObject({ cancellation_reason: 'Order interrupted before payment; not charged', payment_status: null });
    expect((await trio.getPayment(cancelled.id)).body).toMatchObject({ status: 'VOIDED' });
    expect(after).toEqual(before);
    const again = await bea.checkout();
    expect(again).toMatchObject({ status: 201, body: { status: 'PAID', total_amount: '240.00' } });
    expect((await bea.get()).body.items).toEqual([]);
  });
});

describe('after the crashes', () => {
  it('then the invariants hold: nothing PENDING, no cancelled order charged, stock = initial − what PAID orders hold', async () => {
    expect(await trio.invariantViolations(products)).toEqual([]);
  });
});
