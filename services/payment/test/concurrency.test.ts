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

describe('a charge and a void of one order: exactly one of them wins', () => {
  it('when a charge and a void race for each of 100 orders, then each order is either charged or voided, never both, never an error', async () => {
    const orderIds = Array.from({ length: 100 }, newOrderId);

    // For each order the two requests are sent together, in alternating order; all orders at once.
    const races = await times(100, async (i) => {
      const orderId = orderIds[i]!;
      const charge = () => post('/api/payments/', { order_id: orderId, amount: '30.00' });
      // With a body like the charge's, so neither request is quicker to read than the other.
      const voiding = () => post(`/api/payments/${orderId}/void/`, { reason: 'charge outcome unknown' });
      const [first, second] = await Promise.all(i % 2 === 0 ? [charge(), voiding()] : [voiding(), charge()]);
      return i % 2 === 0 ? { charge: first!, void: second! } : { charge: second!, void: first! };
    });

    const winners = new Set<string>();
    for (const [i, race] of races.entries()) {
      const rows = await t.rows(orderIds[i]!);
      expect(rows).toHaveLength(1);
      winners.add(rows[0]!.status);
      if (rows[0]!.status === 'COMPLETED') {
        expect(race.charge).toMatchObject({ status: 201, body: { id: rows[0]!.id, status: 'COMPLETED', amount: '30.00' } });
        expect(race.void).toMatchObject({
          status: 409,
          body: { code: 'payment_completed', payment_id: rows[0]!.id, amount: '30.00', status: 'COMPLETED' },
        });
      } else {
        expect(rows[0]).toMatchObject({ status: 'VOIDED', amountCents: 0 });
        expect(race.void).toMatchObject({ status: 200, body: { id: rows[0]!.id, status: 'VOIDED' } });
        expect(race.charge).toMatchObject({ status: 409, body: { code: 'payment_voided', payment_id: rows[0]!.id } });
      }
    }
    // Sent in alternating order, each kind wins some of the races: both outcomes were exercised.
    expect([...winners].sort()).toEqual(['COMPLETED', 'VOIDED']);
  });

  it('when 20 charges and 20 voids of one order arrive at once, then every answer agrees with the one winner', async () => {
    const orderId = newOrderId();

    const answers = await times(40, (i) =>
      i % 2 === 0 ? post('/api/payments/', { order_id: orderId, amount: '12.00' }) : post(`/api/payments/${orderId}/void/`),
    );

    const rows = await t.rows(orderId);
    expect(rows).toHaveLength(1);
    const charges = answers.filter((_, i) => i % 2 === 0);
    const voids = answers.filter((_, i) => i % 2 === 1);
    if (rows[0]!.status === 'COMPLETED') {
      expect(charges.filter((a) => a.status === 201)).toHaveLength(1);
      expect(charges.filter((a) => a.status === 200)).toHaveLength(19);
      expect(voids.every((a) => a.status === 409 && a.body.code === 'payment_completed')).toBe(true);
    } else {
      expect(rows[0]!.status).toBe('VOIDED');
      expect(voids.every((a) => a.status === 200 && a.body.id === rows[0]!.id)).toBe(true);
      expect(charges.every((a) => a.status === 409 && a.body.code === 'payment_voided')).toBe(true);
    }
  });
});
