import { type Listening, listen } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPaymentApp, newOrderId, SERVICE, type TestPaymentApp } from './payment-app.js';

// Real sockets and real parallel requests: supertest would not overlap them the same way.
let t: TestPaymentApp;
let server: Listening;
beforeAll(async () => {
  t = await createTestPaymentApp();
  server = await listen(t.app);
});
afterAll(async () => {
  await server.close();
  await t.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function post(path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { Authorization: SERVICE, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const times = <T>(n: number, task: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => task(i)));

describe('concurrent charges never charge twice', () => {
  it('when 50 charges for one order arrive at once, then there is one COMPLETED payment and every answer names it', async () => {
    const orderId = newOrderId();

    const answers = await times(50, () => post('/api/payments/', { order_id: orderId, amount: '50.00' }));

    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(49);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.every((a) => a.body.status === 'COMPLETED')).toBe(true);
    expect(await t.rows(orderId)).toMatchObject([{ id: answers[0]?.body.id, status: 'COMPLETED', amountCents: 5000 }]);
  });

  it('when 200 charges for 200 orders arrive at once, then 200 payments are stored without a single error', async () => {
    const orderIds = Array.from({ length: 200 }, newOrderId);

    const answers = await times(200, (i) => post('/api/payments/', { order_id: orderIds[i], amount: `${i + 1}.00` }));

    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(201));
    expect(answers.some((a) => JSON.stringify(a.body).includes('locked'))).toBe(false);
    expect(await t.deps.prisma.payment.count({ where: { orderId: { in: orderIds } } })).toBe(200);
    expect(answers.map((a) => a.body.amount)).toEqual(orderIds.map((_, i) => `${i + 1}.00`));
  });

  it('when charges of two different amounts race for one order, then one amount wins and the other is refused with 409', async () => {
    const orderId = newOrderId();

    const answers = await times(40, (i) => post('/api/payments/', { order_id: orderId, amount: i % 2 === 0 ? '10.00' : '20.00' }));

    const rows = await t.rows(orderId);
    expect(rows).toHaveLength(1);
    const won = rows[0]!.amountCents === 1000 ? '10.00' : '20.00';
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const answer of answers) {
      if (answer.status === 409) expect(answer.body.code).toBe('payment_amount_mismatch');
      else expect(answer.body).toMatchObject({ id: rows[0]!.id, amount: won, status: 'COMPLETED' });
    }
    expect(answers.filter((a) => a.status === 409)).toHaveLength(20);
  });

  it('when 30 retries of a FAILED payment arrive at once, then it is processed again exactly once', async () => {
    const orderId = newOrderId();
    const failed = await post('/api/payments/', { order_id: orderId, amount: '0' });

    const answers = await times(30, () => post('/api/payments/', { order_id: orderId, amount: '15.00' }));

    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(29);
    expect(new Set(answers.map((a) => a.body.id))).toEqual(new Set([failed.body.id]));
    expect(await t.rows(orderId)).toMatchObject([{ id: failed.body.id, status: 'COMPLETED', amountCents: 1500 }]);
  });
});

describe('concurrent refunds refund once', () => {
  it('when 30 refunds of one payment arrive at once, then it is REFUNDED once and every answer is the same 200', async () => {
    const orderId = newOrderId();
    await post('/api/payments/', { order_id: orderId, amount: '50.00' });

    const answers = await times(30, () => post(`/api/payments/${orderId}/refund/`));

    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
    expect(new Set(answers.map((a) => a.body.refunded_at)).size).toBe(1);
    expect(answers.every((a) => a.body.status === 'REFUNDED')).toBe(true);
    expect(await t.rows(orderId)).toMatchObject([{ status: 'REFUNDED' }]);
  });

  it('when charges and refunds of one order race, then it ends with one payment, never charged after its refund', async () => {
    const orderId = newOrderId();
    await post('/api/payments/', { order_id: orderId, amount: '50.00' });

    const answers = await times(40, (i) =>
      i % 2 === 0 ? post('/api/payments/', { order_id: orderId, amount: '50.00' }) : post(`/api/payments/${orderId}/refund/`),
    );

    expect(answers.every((a) => [200, 409].includes(a.status))).toBe(true);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'payment_refunded')).toBe(true);
    expect(await t.rows(orderId)).toMatchObject([{ status: 'REFUNDED', amountCents: 5000 }]);
  });
});
