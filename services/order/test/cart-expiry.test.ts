import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartRows, seedCart } from './cart-rows.js';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// Carts nobody changed for CART_TTL_DAYS are removed by a periodic job; a cart whose checkout's
// order is still PENDING is kept, whatever its age.
let t: TestOrderApp;
beforeAll(async () => {
  t = await createTestOrderApp({ CART_TTL_DAYS: '30' });
});
afterAll(() => t.deps.close());

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const someone = () => `customer-${randomUUID()}`;

/** An order of the given status, and the cart marked as being checked out as it. */
async function checkingOut(userId: string, status: 'PENDING' | 'CANCELLED'): Promise<void> {
  const orderId = randomUUID();
  const at = new Date();
  await t.deps.prisma.$executeRaw`
    INSERT INTO "orders" ("id", "customer_name", "user_id", "status", "status_changed_by", "created_at", "updated_at")
    VALUES (${orderId}, 'Old', ${userId}, ${status}, 'system', ${at}, ${at})`;
  await t.deps.prisma.$executeRaw`UPDATE "carts" SET "checkout_order_id" = ${orderId} WHERE "user_id" = ${userId}`;
}

describe('the removal of expired carts', () => {
  it('when carts are older than CART_TTL_DAYS, then they go with their lines; younger ones and those held by a checkout stay', async () => {
    const old = someone();
    const young = someone();
    const held = someone();
    const heldByACancelledOrder = someone();
    await seedCart(t.deps.prisma, old, [{ productId: 1, quantity: 1 }], daysAgo(31));
    await seedCart(t.deps.prisma, young, [{ productId: 1, quantity: 1 }], daysAgo(29));
    await seedCart(t.deps.prisma, held, [{ productId: 2, quantity: 2 }], daysAgo(45));
    await seedCart(t.deps.prisma, heldByACancelledOrder, [{ productId: 2, quantity: 2 }], daysAgo(45));
    await checkingOut(held, 'PENDING');
    await checkingOut(heldByACancelledOrder, 'CANCELLED');

    const removed = await t.deps.cartExpiry.runOnce();

    expect(removed).toBe(2);
    expect(await cartRows(t.deps.prisma, old)).toBeNull();
    expect(await cartRows(t.deps.prisma, heldByACancelledOrder)).toBeNull();
    expect(await cartRows(t.deps.prisma, young)).not.toBeNull();
    expect(await cartRows(t.deps.prisma, held)).toMatchObject({ items: [{ productId: 2, quantity: 2 }] });
    expect(await t.deps.prisma.cartItem.count({ where: { userId: { in: [old, heldByACancelledOrder] } } })).toBe(0);
  });

  it('when more carts expired than one statement removes, then they all go', async () => {
    const users = Array.from({ length: 450 }, someone);
    for (const user of users) await seedCart(t.deps.prisma, user, [{ productId: 3, quantity: 1 }], daysAgo(40));

    expect(await t.deps.cartExpiry.runOnce()).toBe(450);
    expect(await t.deps.prisma.cart.count({ where: { userId: { in: users } } })).toBe(0);
  });

  it('when it runs again with nothing expired, then it removes nothing', async () => {
    expect(await t.deps.cartExpiry.runOnce()).toBe(0);
  });
});
