import { randomUUID } from 'node:crypto';
import { createLogger, openDatabase } from '@order-system/platform';
import { tempDatabaseUrl, waitFor } from '@order-system/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { CartsRepository } from '../src/cart/carts.repository.js';
import { ORDER_DATABASE } from '../src/database.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { cartRows, seedCart } from './cart-rows.js';

// The expiry job and a checkout of the same old cart at once, on PostgreSQL (READ COMMITTED): the
// removal waits on the row the checkout's claim locked, then re-checks that row as the claim left it.
const logger = createLogger({ service: 'order', level: 'silent' });
const url = tempDatabaseUrl('cart-expiry');
const clients: PrismaClient[] = [];
afterAll(() => Promise.all(clients.map((client) => client.$disconnect().catch(() => undefined))));

async function client(): Promise<PrismaClient> {
  const { prisma } = await openDatabase(ORDER_DATABASE, { databaseUrl: url, poolSize: 2, logger });
  clients.push(prisma);
  return prisma;
}

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the removal of expired carts, while a checkout claims one of them', () => {
  it('when the checkout commits while the removal waits on its lock, then the claimed cart stays, held by its PENDING order', async () => {
    const [checkout, expiry, observer] = [await client(), await client(), await client()];
    const userId = `customer-${randomUUID()}`;
    await seedCart(checkout, userId, [{ productId: 1, quantity: 2 }], new Date(Date.now() - 45 * DAY_MS));
    const carts = new CartsRepository(checkout);
    const orderId = randomUUID();

    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let claimed!: () => void;
    const claimWritten = new Promise<void>((resolve) => {
      claimed = resolve;
    });
    // The checkout's order insert and claim, in one transaction held open until the removal waits on it.
    const placing = checkout.$transaction(async (tx) => {
      const at = new Date();
      await tx.$executeRaw`
        INSERT INTO "orders" ("id", "customer_name", "user_id", "status", "status_changed_by", "created_at", "updated_at")
        VALUES (${orderId}, 'Ann', ${userId}, 'PENDING', 'system', ${at}, ${at})`;
      expect(await tx.$executeRaw(carts.claimStatement(userId, 0, orderId))).toBe(1);
      claimed();
      await released;
    });
    await claimWritten;
    // (A Prisma query is sent once something waits on it: then() sends it now.)
    const removing = new CartsRepository(expiry).removeUntouchedSince(new Date(Date.now() - 30 * DAY_MS)).then((removed) => removed);
    await waitFor(async () => {
      const waiting = await observer.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%DELETE FROM "carts"%'`;
      return waiting[0]!.n > 0;
    });
    release();
    await placing;

    expect(await removing).toBe(0);
    expect(await cartRows(observer, userId)).toMatchObject({ checkoutOrderId: orderId, items: [{ productId: 1, quantity: 2 }] });
  });
});
