import { randomUUID } from 'node:crypto';
import { waitFor } from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';

// The payment service answers every charge 503 (PAYMENT_FAILURE_RATE=1) before touching anything.
let trio: Trio;
beforeAll(async () => {
  trio = await startTrio({ paymentEnv: { PAYMENT_FAILURE_RATE: '1' }, proxyProduct: true });
});
afterEach(() => trio.productProxy?.setRules([]));
afterAll(() => trio?.stop());

const linesOf = (trio: Trio, service: 'order', requestId: string, msg: string) =>
  trio[service].logs.filter((line) => line.request_id === requestId && line.msg === msg);

describe('when the payment service keeps failing', () => {
  it('then the charge is tried 3 times, the order is CANCELLED with 400 payment_failed and the stock comes back', async () => {
    const product = await trio.createProduct({ price: '12.00', stock: 6 });
    const requestId = `e2e-${randomUUID()}`;

    const res = await trio.createOrder(
      { customer_name: 'Gus', items: [{ product_id: product.id, quantity: 2 }] },
      { headers: { 'X-Request-Id': requestId } },
    );

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      status: 'CANCELLED',
      cancellation_reason: 'Payment failed',
      error: 'Payment failed',
      code: 'payment_failed',
      total_amount: '24.00',
      payment_status: null,
    });
    expect(res.body.status_history.map((change) => [change.from, change.to, change.reason])).toEqual([
      [null, 'PENDING', null],
      ['PENDING', 'CANCELLED', 'Payment failed'],
    ]);
    // pino-http's line per request, whatever its message ("request completed" / "request errored").
    const posts = await waitFor(() => {
      const lines = trio.payment.logs.filter(
        (line) => line.request_id === requestId && (line.req as { method?: string } | undefined)?.method === 'POST' && 'res' in line,
      );
      return lines.length >= 4 && lines;
    });
    // Three charges refused, then the void that seals the order's payment before it is cancelled.
    expect(posts.map((line) => [(line.req as { url: string }).url, (line.res as { status: number }).status])).toEqual([
      ['/api/payments/', 503],
      ['/api/payments/', 503],
      ['/api/payments/', 503],
      [`/api/payments/${res.body.id}/void/`, 200],
    ]);
    await waitFor(() => linesOf(trio, 'order', requestId, 'order cancelled').length > 0);
    const retries = linesOf(trio, 'order', requestId, 'retrying charge');
    expect(retries.map((line) => [line.attempt, line.reason])).toEqual([
      [2, 'HTTP 503'],
      [3, 'HTTP 503'],
    ]);
    expect(linesOf(trio, 'order', requestId, 'order cancelled')[0]).toMatchObject({ code: 'payment_failed', reason: 'Payment failed' });
    expect(await trio.stockOf(product.id)).toBe(6);
    // Nothing was stored; the order service voided the payment before deciding "not charged".
    expect((await trio.getPayment(res.body.id)).body).toMatchObject({ status: 'VOIDED', amount: '0.00' });
    expect((await trio.getOrder(res.body.id)).body.status).toBe('CANCELLED');
  });

  it('then, if the release cannot reach the product service either, the order is still CANCELLED and the failure is logged for recovery', async () => {
    const product = await trio.createProduct({ price: '3.00', stock: 4 });
    trio.productProxy?.setRules([{ method: 'POST', path: /^\/api\/products\/reservations\/[^/]+\/void\/?$/, fault: { kind: 'reset' } }]);
    const requestId = `e2e-${randomUUID()}`;

    const res = await trio.createOrder({ customer_name: 'Hal', product_ids: [product.id] }, { headers: { 'X-Request-Id': requestId } });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'CANCELLED', code: 'payment_failed' });
    await waitFor(() => linesOf(trio, 'order', requestId, 'releasing the reservation failed; left for recovery').length === 1);
    // The stock stays held by the reservation until recovery releases it.
    expect(await trio.stockOf(product.id)).toBe(3);
  });
});
