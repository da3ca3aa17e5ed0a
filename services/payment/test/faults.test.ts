import { type Listening, listen } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestPaymentApp, newOrderId, SERVICE, type TestPaymentApp } from './payment-app.js';

const UNAVAILABLE = { error: 'Payment processor unavailable', code: 'payment_processor_unavailable' };

describe('PAYMENT_FAILURE_RATE=1: the processor is down', () => {
  let t: TestPaymentApp;
  beforeAll(async () => {
    t = await createTestPaymentApp({ PAYMENT_FAILURE_RATE: '1' });
  });
  afterAll(() => t.close());

  it('when 20 charges arrive, then every one is 503 with the contract body and no row is stored', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.charge({ order_id: newOrderId(), amount: '50.00' })));

    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.body).toEqual(UNAVAILABLE);
      expect(res.headers['retry-after']).toBe('1');
    }
    expect(await t.deps.prisma.payment.count()).toBe(0);
  });

  it('when a charge is unauthenticated or invalid, then that is answered first (401, 400), not 503', async () => {
    expect((await request(t.app).post('/api/payments/').send({ order_id: newOrderId(), amount: '5.00' })).status).toBe(401);
    expect((await t.charge({ order_id: newOrderId(), amount: 'NaN' })).status).toBe(400);
  });

  it('when payments are read, refunded or voided, then the fault does not apply', async () => {
    const orderId = newOrderId();
    await t.deps.prisma.payment.create({ data: { orderId, amountCents: 500, status: 'COMPLETED' } });

    expect((await t.get(orderId)).status).toBe(200);
    expect((await t.refund(orderId)).status).toBe(200);
    expect((await t.refund(newOrderId())).status).toBe(404);
    expect((await t.void(newOrderId())).status).toBe(200);
  });
});

describe('PAYMENT_FAILURE_RATE=0.5: that share of charges fails', () => {
  it('when the dice fall under the rate, then that charge is 503; above it, the charge goes through', async () => {
    const dice = [0.1, 0.9, 0.49, 0.5];
    const t = await createTestPaymentApp({ PAYMENT_FAILURE_RATE: '0.5' }, { random: () => dice.shift() ?? 0.99 });
    const orderId = newOrderId();

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.charge({ order_id: orderId, amount: '8.00' })).status);

    expect(statuses).toEqual([503, 201, 503, 200]);
    expect(await t.rows(orderId)).toHaveLength(1);
    await t.close();
  });
});

describe('PAYMENT_LATENCY_MS: the answer is slow, the charge is not', () => {
  const LATENCY_MS = 400;
  let t: TestPaymentApp;
  let server: Listening;
  beforeAll(async () => {
    t = await createTestPaymentApp({ PAYMENT_LATENCY_MS: String(LATENCY_MS) });
    server = await listen(t.app);
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it('when a charge is waiting for its answer, then its payment is already stored and readable, and the database is free for others', async () => {
    const orderId = newOrderId();
    const other = newOrderId();
    await t.deps.prisma.payment.create({ data: { orderId: other, amountCents: 100, status: 'COMPLETED' } });
    let answered = false;
    const started = Date.now();

    const charge = fetch(`${server.url}/api/payments/`, {
      method: 'POST',
      headers: { Authorization: SERVICE, 'Content-Type': 'application/json' },
      body: JSON.stringify({ order_id: orderId, amount: '50.00' }),
    }).then((res) => {
      answered = true;
      return res;
    });
    await vi.waitFor(
      async () => {
        expect((await fetch(`${server.url}/api/payments/${orderId}/`)).status).toBe(200);
      },
      { timeout: 5_000, interval: 10 },
    );

    expect(answered).toBe(false);
    const refund = await fetch(`${server.url}/api/payments/${other}/refund/`, { method: 'POST', headers: { Authorization: SERVICE } });
    expect(refund.status).toBe(200);
    expect(answered).toBe(false);
    const res = await charge;
    expect(res.status).toBe(201);
    expect(((await res.json()) as { status: string }).status).toBe('COMPLETED');
    // Timers may fire a millisecond early; the answer cannot come before the configured latency.
    expect(Date.now() - started).toBeGreaterThanOrEqual(LATENCY_MS - 5);
    expect(await t.rows(orderId)).toHaveLength(1);
  });

  it('when a caller gives up waiting and repeats the charge, then the repeat finds the stored payment and charges nothing', async () => {
    const orderId = newOrderId();
    const body = JSON.stringify({ order_id: orderId, amount: '20.00' });
    const headers = { Authorization: SERVICE, 'Content-Type': 'application/json' };

    const first = fetch(`${server.url}/api/payments/`, { method: 'POST', headers, body, signal: AbortSignal.timeout(50) });
    await expect(first).rejects.toThrow();
    await vi.waitFor(async () => expect(await t.rows(orderId)).toHaveLength(1), { timeout: 5_000, interval: 10 });
    const repeat = await fetch(`${server.url}/api/payments/`, { method: 'POST', headers, body });

    expect(repeat.status).toBe(200);
    expect(await t.rows(orderId)).toMatchObject([{ status: 'COMPLETED', amountCents: 2000 }]);
  });
});
