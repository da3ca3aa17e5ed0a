import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CartClient } from './cart-client.js';
import { startTrio, type Trio } from './harness.js';

// Checkouts racing each other over the three real services: of one cart checked out many times at
// once, one order; of many carts competing for too little stock, exactly as many PAID as there is
// stock, every unit taken by a PAID order, no payment for any other.
let trio: Trio;
const products: { id: number; initialStock: number }[] = [];
beforeAll(async () => {
  trio = await startTrio();
});
afterAll(() => trio?.stop());

async function product(price: string, stock: number) {
  const created = await trio.createProduct({ price, stock });
  products.push({ id: created.id, initialStock: stock });
  return created;
}

describe('one cart checked out 20 times at once', () => {
  it('then exactly one order is placed; every other checkout is a 409 (in progress, or the cart already empty)', async () => {
    const lamp = await product('25.00', 50);
    const desk = await product('120.00', 10);
    const ann = new CartClient(trio);
    await ann.add(lamp.id, 3);
    await ann.add(desk.id, 1);

    const answers = await Promise.all(Array.from({ length: 20 }, () => ann.checkout({ customer_name: 'Ann' })));

    const placed = answers.filter((res) => res.status === 201);
    const refused = answers.filter((res) => res.status !== 201);
    expect(placed).toHaveLength(1);
    expect(placed[0]?.body).toMatchObject({ status: 'PAID', total_amount: '195.00', user_id: ann.sub });
    expect(refused.map((res) => res.status)).toEqual(Array(19).fill(409));
    for (const res of refused) expect(['checkout_in_progress', 'cart_empty']).toContain(res.body.code);
    expect((await ann.orders()).map((order) => order.id)).toEqual([placed[0]?.body.id]);
    expect((await ann.get()).body.items).toEqual([]);
    expect(await trio.stockOf(lamp.id)).toBe(47);
    expect(await trio.stockOf(desk.id)).toBe(9);
  });

  it('when the 10 checkouts carry one Idempotency-Key, then one order; the others are its replay or 409 while it runs', async () => {
    const pen = await product('2.00', 20);
    const bea = new CartClient(trio);
    await bea.add(pen.id, 5);
    const headers = { 'Idempotency-Key': `race-${bea.sub}` };

    const answers = await Promise.all(Array.from({ length: 10 }, () => bea.checkout({}, { headers })));

    const first = answers.find((res) => res.status === 201 && res.headers.get('idempotent-replayed') === null);
    expect(first?.body).toMatchObject({ status: 'PAID', total_amount: '10.00' });
    for (const res of answers) {
      if (res.status === 201) expect(res.body).toEqual(first?.body);
      else expect(res).toMatchObject({ status: 409, body: { code: 'idempotency_key_in_progress' } });
    }
    expect(await bea.orders()).toHaveLength(1);
    expect(await trio.stockOf(pen.id)).toBe(15);
  });
});

describe('30 customers whose carts compete for a stock of 10', () => {
  it('then exactly 10 are PAID, the stock taken is what they hold, and no other order has a payment', async () => {
    const ticket = await product('35.00', 10);
    const customers = Array.from({ length: 30 }, () => new CartClient(trio));
    for (const customer of customers) expect((await customer.add(ticket.id, 1)).status).toBe(201);

    const answers = await Promise.all(customers.map((customer) => customer.checkout()));

    const paid = answers.filter((res) => res.status === 201);
    expect(paid).toHaveLength(10);
    for (const res of answers) {
      if (res.status === 201) continue;
      // Refused by the stock check (no order), or by the reservation (an order CANCELLED out_of_stock).
      if (res.status === 409) expect(res.body.code).toBe('cart_changed');
      else expect(res).toMatchObject({ status: 400, body: { status: 'CANCELLED', code: 'out_of_stock' } });
    }
    expect(await trio.stockOf(ticket.id)).toBe(0);
    const paidUnits = paid.reduce((sum, res) => sum + (res.body.items[0]?.quantity ?? 0), 0);
    expect(paidUnits).toBe(10);
    for (const [index, customer] of customers.entries()) {
      const answer = answers[index]!;
      const cart = (await customer.get()).body;
      const orders = await customer.orders();
      if (answer.status === 201) {
        expect(cart.items).toEqual([]);
        expect(orders.map((order) => order.status)).toEqual(['PAID']);
      } else if (answer.status === 409) {
        // The line was removed: none left.
        expect(cart.items).toEqual([]);
        expect(orders).toEqual([]);
      } else {
        // CANCELLED: the cart is as it was, and can be checked out again.
        expect(cart.items).toMatchObject([{ product_id: ticket.id, quantity: 1, in_stock: false }]);
        expect(orders.map((order) => order.status)).toEqual(['CANCELLED']);
        expect((await trio.getPayment(answer.body.id)).status).toBe(404);
      }
    }
    expect(await trio.invariantViolations(products)).toEqual([]);
  });
});
