import { randomUUID } from 'node:crypto';
import { waitFor } from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';

// An Idempotency-Key whose first answer was 202 payment_pending: the outcome of the charge was not
// known then. Once the recovery job has decided the order, a repeat answers from what the order
// has become, as a repeat after an interrupted request does, not with the stale 202.
let trio: Trio;
beforeAll(async () => {
  trio = await startTrio({
    proxyPayment: true,
    orderEnv: { UPSTREAM_TIMEOUT_MS: '2000', RECOVERY_INTERVAL_MS: '200', RECOVERY_GRACE_MS: '0' },
  });
});
afterEach(() => trio.paymentProxy?.setRules([]));
afterAll(() => trio?.stop());

const CHARGE = { method: 'POST', path: /^\/api\/payments\/?$/ } as const;
const LOOKUP = { method: 'GET', path: '/api/payments/' } as const;
const VOID = { method: 'POST', path: /\/void\/?$/ } as const;
const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });

describe('a repeat of a request first answered 202 payment_pending', () => {
  it('when recovery has since found the charge, then the repeat answers 201 with the PAID order, and keeps answering so', async () => {
    const product = await trio.createProduct({ price: '6.00', stock: 3 });
    const key = randomUUID();
    const body = { customer_name: 'Pat', product_ids: [product.id] };
    // The charge lands but its answer is lost, and so is every lookup: nobody can tell yet.
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'drop-response' } },
      { ...LOOKUP, fault: { kind: 'reset' } },
    ]);
    const first = await trio.createOrder(body, withKey(key));
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'PENDING', code: 'payment_pending' });

    const whilePending = await trio.createOrder(body, withKey(key));
    expect(whilePending.status).toBe(202);
    expect(whilePending.body).toMatchObject({ id: first.body.id, status: 'PENDING', code: 'payment_pending' });

    trio.paymentProxy?.setRules([]);
    await waitFor(async () => (await trio.getOrder(first.body.id)).body.status === 'PAID');

    const replay = await trio.createOrder(body, withKey(key));
    const order = (await trio.getOrder(first.body.id)).body;
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('location')).toBe(`/api/orders/${first.body.id}/`);
    expect(replay.body).toEqual(order);
    expect(replay.body).toMatchObject({ status: 'PAID', payment_status: 'COMPLETED' });
    expect(replay.body).not.toHaveProperty('code');

    const again = await trio.createOrder(body, withKey(key));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(replay.body);
    // Charged once, stock taken once.
    expect((await trio.getPayment(first.body.id)).body).toMatchObject({ status: 'COMPLETED', amount: '6.00' });
    expect(await trio.stockOf(product.id)).toBe(2);
  });

  it('when recovery has since decided nothing was charged, then the repeat answers with the CANCELLED order and why', async () => {
    const product = await trio.createProduct({ price: '7.00', stock: 3 });
    const key = randomUUID();
    const body = { customer_name: 'Quinn', product_ids: [product.id] };
    // The charge never arrives, and the void that would settle it cannot get through either.
    trio.paymentProxy?.setRules([
      { ...CHARGE, fault: { kind: 'reset' } },
      { ...VOID, fault: { kind: 'reset' } },
    ]);
    const first = await trio.createOrder(body, withKey(key));
    expect(first.status).toBe(202);

    trio.paymentProxy?.setRules([]);
    await waitFor(async () => (await trio.getOrder(first.body.id)).body.status === 'CANCELLED');

    const replay = await trio.createOrder(body, withKey(key));
    // updated_at aside: recording the release of the stock may come a moment after the decision.
    const { updated_at: _updatedAt, ...order } = (await trio.getOrder(first.body.id)).body;
    // Cancelled by the recovery job, not charged: a fault of the service's side, as the first answer would have been.
    expect(replay.status).toBe(503);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toMatchObject({ ...order, error: 'Order interrupted before payment; not charged', code: 'order_interrupted' });
    expect((await trio.createOrder(body, withKey(key))).body).toEqual(replay.body);
    expect((await trio.getPayment(first.body.id)).body.status).toBe('VOIDED');
    expect(await trio.stockOf(product.id)).toBe(3);
  });
});
