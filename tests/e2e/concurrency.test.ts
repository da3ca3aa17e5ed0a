import type { OrderOutcomeJson } from '@order-system/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpResult, startTrio, type Trio } from './harness.js';

/** A small seeded generator, so the "random" orders are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Per product: what PAID orders took. */
function paidQuantities(answers: HttpResult<OrderOutcomeJson>[]): Map<number, number> {
  const taken = new Map<number, number>();
  for (const { body } of answers) {
    if (body.status !== 'PAID') continue;
    for (const item of body.items) taken.set(item.product_id, (taken.get(item.product_id) ?? 0) + item.quantity);
  }
  return taken;
}

/** Every PAID order has one COMPLETED payment of its total; every other order has no completed payment. */
async function expectPaymentsMatch(trio: Trio, answers: HttpResult<OrderOutcomeJson>[]): Promise<void> {
  for (const { body } of answers) {
    const payment = await trio.getPayment(body.id);
    if (body.status === 'PAID') {
      expect(payment.status).toBe(200);
      expect(payment.body).toMatchObject({ order_id: body.id, status: 'COMPLETED', amount: body.total_amount });
    } else {
      expect(payment.status === 404 || payment.body.status !== 'COMPLETED').toBe(true);
    }
  }
}

async function placeOverlappingOrders(trio: Trio, productIds: number[], count: number, seed: number) {
  const random = seeded(seed);
  const bodies = Array.from({ length: count }, (_, n) => {
    const picked = productIds.filter(() => random() < 0.6);
    const lines = picked.length > 0 ? picked : [productIds[n % productIds.length] as number];
    // Half use product_ids with repeats, half use items.
    return n % 2 === 0
      ? { customer_name: `Buyer ${n}`, product_ids: lines.flatMap((id) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => id)) }
      : { customer_name: `Buyer ${n}`, items: lines.map((id) => ({ product_id: id, quantity: 1 + Math.floor(random() * 3) })) };
  });
  return Promise.all(bodies.map((body) => trio.createOrder(body)));
}

/**
 * Dozens of orders at once through one trio can make a call wait seconds on a busy machine; these
 * tests are about races, not timeouts, so no call may time out (a timeout would be a 202 or 503).
 */
const PATIENT = { UPSTREAM_TIMEOUT_MS: '30000' };

describe('concurrent orders', () => {
  let trio: Trio;
  beforeAll(async () => {
    trio = await startTrio({ orderEnv: PATIENT });
  });
  afterAll(() => trio?.stop());

  it('when 40 orders race for a stock of 10, then exactly 10 are PAID, 30 are CANCELLED out of stock, and the stock is 0', async () => {
    const product = await trio.createProduct({ price: '2.50', stock: 10 });

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, n) => trio.createOrder({ customer_name: `Racer ${n}`, product_ids: [product.id] })),
    );

    const paid = answers.filter((res) => res.status === 201);
    const refused = answers.filter((res) => res.status === 400);
    expect(paid).toHaveLength(10);
    expect(refused).toHaveLength(30);
    expect(paid.every((res) => res.body.status === 'PAID')).toBe(true);
    expect(refused.every((res) => res.body.status === 'CANCELLED' && res.body.code === 'out_of_stock')).toBe(true);
    expect(await trio.stockOf(product.id)).toBe(0);
    await expectPaymentsMatch(trio, answers);
  });

  it('when overlapping multi-item orders race, then for every product the PAID quantities equal the stock that left', async () => {
    const initial = [12, 9, 15, 6];
    const products = await Promise.all(initial.map((stock, n) => trio.createProduct({ price: `${n + 1}.25`, stock })));
    const ids = products.map((product) => product.id);

    const answers = await placeOverlappingOrders(trio, ids, 36, 7);

    expect(answers.every((res) => res.status === 201 || (res.status === 400 && res.body.code === 'out_of_stock'))).toBe(true);
    const taken = paidQuantities(answers);
    for (const [index, id] of ids.entries()) {
      const final = await trio.stockOf(id);
      expect(final).toBeGreaterThanOrEqual(0);
      expect(taken.get(id) ?? 0).toBe((initial[index] ?? 0) - final);
    }
    expect(answers.some((res) => res.status === 201)).toBe(true);
    expect(answers.some((res) => res.status === 400)).toBe(true);
    await expectPaymentsMatch(trio, answers);
  });
});

describe('concurrent orders while the payment service fails half of the charges', () => {
  let trio: Trio;
  beforeAll(async () => {
    trio = await startTrio({ paymentEnv: { PAYMENT_FAILURE_RATE: '0.5' }, orderEnv: PATIENT });
  });
  afterAll(() => trio?.stop());

  it('then whatever each order’s fate, stock and payments agree: no oversell, no charge without a PAID order', async () => {
    const initial = [10, 7, 12];
    const products = await Promise.all(initial.map((stock) => trio.createProduct({ price: '4.00', stock })));
    const ids = products.map((product) => product.id);

    const answers = await placeOverlappingOrders(trio, ids, 30, 11);

    for (const res of answers) {
      expect([201, 400]).toContain(res.status);
      if (res.status === 400) expect(['out_of_stock', 'payment_failed']).toContain(res.body.code);
    }
    const taken = paidQuantities(answers);
    for (const [index, id] of ids.entries()) {
      expect(taken.get(id) ?? 0).toBe((initial[index] ?? 0) - (await trio.stockOf(id)));
    }
    await expectPaymentsMatch(trio, answers);
  });
});
