import { randomUUID } from 'node:crypto';
import { bearer, gate, type ProxiedRequest, waitFor } from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, call, startTrio, type Trio } from './harness.js';

// The race a void closes: a charge that times out while it is still travelling, and arrives at the
// payment service after the order service has looked it up, found nothing and decided. A TCP proxy
// between the order and payment services holds the charge (a `late` rule) until the test lets it
// through, and delivers it even though the order service has given up on it by then. One attempt
// per call (PAYMENT_RETRIES=0) and a short timeout keep it quick; the recovery job is kept out of the
// way (long interval) until the last test restarts the service with it. The lookup and the void
// that follow a held charge must answer within that timeout, so every path is taken once first: a
// first query of a new process can be slow on a busy machine.
let trio: Trio;
const products: { id: number; initialStock: number }[] = [];
beforeAll(async () => {
  trio = await startTrio({
    processes: true,
    proxyPayment: true,
    orderEnv: { UPSTREAM_TIMEOUT_MS: '3000', PAYMENT_RETRIES: '0', RECOVERY_INTERVAL_MS: '600000' },
  });
  const warm = await product('1.00', 1);
  expect((await trio.createOrder({ customer_name: 'Warm', product_ids: [warm.id] })).status).toBe(201);
  const nobody = randomUUID();
  expect((await trio.getPayment(nobody)).status).toBe(404);
  expect((await call('POST', `${trio.payment.url}/api/payments/${nobody}/void/`, undefined, { auth: bearer('service') })).status).toBe(200);
});
afterEach(() => trio.paymentProxy?.setRules([]));
afterAll(() => trio?.stop());

const CHARGE = { method: 'POST', path: /^\/api\/payments\/?$/ } as const;
const VOID = { method: 'POST', path: /^\/api\/payments\/[^/]+\/void\/?$/ } as const;
const isCharge = (r: ProxiedRequest) => r.method === 'POST' && CHARGE.path.test(r.path);
const isVoid = (r: ProxiedRequest) => r.method === 'POST' && VOID.path.test(r.path);

async function product(price: string, stock: number) {
  const created = await trio.createProduct({ price, stock });
  products.push({ id: created.id, initialStock: stock });
  return created;
}

/** The payment service's log line about this order with this message, once it is there. */
const paymentLog = (msg: string, orderId: string) => waitFor(() => trio.logsWith('payment', msg).find((line) => line.order_id === orderId));

/** What went through the proxy from the `from`-th request on: method, path and what was done to it. */
const proxiedSince = (from: number) => (trio.paymentProxy?.requests ?? []).slice(from).map((r) => [r.method, r.path, r.fault]);

describe('a charge that arrives after the order service decided it was not charged', () => {
  it('when it lands after the lookup and the void, then it is refused (payment_voided): CANCELLED, never charged, stock back', async () => {
    const lamp = await product('35.00', 3);
    const charge = gate();
    trio.paymentProxy?.setRules([{ ...CHARGE, fault: { kind: 'late', until: charge.opened }, times: 1 }]);
    const before = trio.paymentProxy?.requests.length ?? 0;

    const res = await trio.createOrder({ customer_name: 'Noa', items: [{ product_id: lamp.id, quantity: 2 }] });

    // The charge timed out, the lookup found nothing, the void sealed the payment: not charged.
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'CANCELLED', code: 'payment_service_unavailable', payment_status: null });
    expect(await trio.stockOf(lamp.id)).toBe(3);
    expect((await trio.getPayment(res.body.id)).body).toMatchObject({ status: 'VOIDED', amount: '0.00' });
    expect(proxiedSince(before)).toEqual([
      ['POST', '/api/payments/', 'late'],
      ['GET', `/api/payments/${res.body.id}/`, 'pass'],
      ['POST', `/api/payments/${res.body.id}/void/`, 'pass'],
    ]);
    const held = trio.paymentProxy?.requests.filter(isCharge).at(-1);
    expect(held?.forwarded).toBe(false);

    // Now the charge gets through, long after the order service gave up on it.
    charge.open();
    await waitFor(() => held?.forwarded);
    const refused = await paymentLog('charge refused: payment voided', res.body.id);

    expect(refused).toMatchObject({ order_id: res.body.id });
    expect((await trio.getPayment(res.body.id)).body).toMatchObject({ status: 'VOIDED', amount: '0.00' });
    expect((await trio.getOrder(res.body.id)).body).toMatchObject({ status: 'CANCELLED', payment_status: null });
    expect(await trio.stockOf(lamp.id)).toBe(3);
  });

  it('when it lands after the lookup but before the void, then the void is refused with the payment (payment_completed): PAID, stock kept', async () => {
    const desk = await product('120.00', 2);
    const charge = gate();
    const voiding = gate();
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'late', until: charge.opened }, times: 1 },
      { ...VOID, fault: { kind: 'late', until: voiding.opened }, times: 1 },
    ]);

    const placing = trio.createOrder({ customer_name: 'Oli', product_ids: [desk.id] });
    // The charge timed out and the lookup found nothing; the void is on its way.
    const voidRequest = await waitFor(() => trio.paymentProxy?.requests.find((r) => isVoid(r) && r.fault === 'late' && !r.forwarded));
    const orderId = voidRequest.path.split('/')[3]!;
    charge.open();
    await waitFor(async () => (await trio.getPayment(orderId)).body.status === 'COMPLETED');
    voiding.open();
    const res = await placing;

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: orderId, status: 'PAID', payment_status: 'COMPLETED', total_amount: '120.00' });
    expect((await trio.getPayment(orderId)).body).toMatchObject({ status: 'COMPLETED', amount: '120.00' });
    expect(await paymentLog('void refused: payment completed', orderId)).toMatchObject({ amount: '120.00' });
    expect(trio.logsWith('order', 'the charge landed before the void: the order was charged').map((l) => l.order_id)).toContain(orderId);
    expect(await trio.stockOf(desk.id)).toBe(1);
  });

  it('when the void cannot get through, then 202 PENDING with its stock; a cancel voids it, and the charge arriving after is refused', async () => {
    const kite = await product('15.00', 2);
    const charge = gate();
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'late', until: charge.opened }, times: 1 },
      { ...VOID, fault: { kind: 'reset' } },
    ]);

    const res = await trio.createOrder({ customer_name: 'Pia', product_ids: [kite.id] });

    // Not charged so far, but not sealed either: the charge may still land. Nothing is decided.
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'PENDING', code: 'payment_pending', payment_status: null });
    expect((await trio.getPayment(res.body.id)).status).toBe(404);
    expect(await trio.stockOf(kite.id)).toBe(1);

    trio.paymentProxy?.setRules([]);
    const cancelled = await trio.cancelOrder(res.body.id, { reason: 'no confirmation' }, { auth: ADMIN });

    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', payment_status: null, cancellation_reason: 'no confirmation' });
    expect((await trio.getPayment(res.body.id)).body.status).toBe('VOIDED');
    expect(await trio.stockOf(kite.id)).toBe(2);

    charge.open();
    await paymentLog('charge refused: payment voided', res.body.id);
    expect((await trio.getPayment(res.body.id)).body.status).toBe('VOIDED');
    expect((await trio.getOrder(res.body.id)).body).toMatchObject({ status: 'CANCELLED', payment_status: null });
  });

  it('when a cancel finds no payment but the charge lands before its void, then the charge is refunded: CANCELLED, REFUNDED', async () => {
    const drum = await product('44.00', 2);
    const charge = gate();
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'late', until: charge.opened }, times: 1 },
      { ...VOID, fault: { kind: 'reset' }, times: 1 },
    ]);
    const placed = await trio.createOrder({ customer_name: 'Quin', product_ids: [drum.id] });
    expect(placed.status).toBe(202);
    const voiding = gate();
    trio.paymentProxy?.setRules([{ ...VOID, fault: { kind: 'late', until: voiding.opened }, times: 1 }]);

    const cancelling = trio.cancelOrder(placed.body.id, undefined, { auth: ADMIN });
    // The refund found nothing; the void is on its way when the charge lands.
    await waitFor(() => trio.paymentProxy?.requests.some((r) => isVoid(r) && r.path.includes(placed.body.id) && r.fault === 'late'));
    charge.open();
    await waitFor(async () => (await trio.getPayment(placed.body.id)).body.status === 'COMPLETED');
    voiding.open();
    const res = await cancelling;

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', payment_status: 'REFUNDED', cancellation_reason: 'Cancelled by admin' });
    expect((await trio.getPayment(placed.body.id)).body).toMatchObject({ status: 'REFUNDED', amount: '44.00' });
    expect(await trio.stockOf(drum.id)).toBe(2);
  });
});

describe('the recovery job, for an order left PENDING whose charge is still travelling', () => {
  it('then it waits while the void cannot get through, voids it once it can and cancels it; the charge arriving after is refused', async () => {
    const bell = await product('9.00', 4);
    const charge = gate();
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'late', until: charge.opened }, times: 1 },
      { ...VOID, fault: { kind: 'reset' } },
    ]);
    const placed = await trio.createOrder({ customer_name: 'Rae', items: [{ product_id: bell.id, quantity: 3 }] });
    expect(placed.status).toBe(202);

    // The same service, now with its recovery job passing every 200 ms and a short grace period.
    await trio.order.stop();
    await trio.restartOrder({ RECOVERY_INTERVAL_MS: '200', RECOVERY_GRACE_MS: '300' });
    const notConfirmed = 'the payment could not be confirmed; the order stays PENDING until the next pass';
    await waitFor(() => trio.logsWith('order', notConfirmed).some((line) => line.order_id === placed.body.id));
    expect((await trio.getOrder(placed.body.id)).body.status).toBe('PENDING');
    expect(await trio.stockOf(bell.id)).toBe(1);

    trio.paymentProxy?.setRules([]);
    const cancelled = await waitFor(async () => {
      const read = await trio.getOrder(placed.body.id);
      return read.body.status === 'CANCELLED' && read.body;
    });

    expect(cancelled).toMatchObject({ cancellation_reason: 'Order interrupted before payment; not charged', payment_status: null });
    expect(cancelled.status_history.at(-1)).toMatchObject({ from: 'PENDING', to: 'CANCELLED', by: 'system' });
    expect((await trio.getPayment(placed.body.id)).body.status).toBe('VOIDED');
    await waitFor(async () => (await trio.stockOf(bell.id)) === 4);

    charge.open();
    await paymentLog('charge refused: payment voided', placed.body.id);
    expect((await trio.getPayment(placed.body.id)).body.status).toBe('VOIDED');
  });
});

describe('after all of the above', () => {
  it('then the invariants hold: no cancelled order charged, nothing PENDING, stock = initial − what PAID orders hold', async () => {
    expect(await trio.invariantViolations(products)).toEqual([]);
  });
});
