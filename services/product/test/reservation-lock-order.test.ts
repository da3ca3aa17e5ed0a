import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveProductApp, startLiveProductApp } from './live-product-app.js';

// Reservations that name the same products in opposite orders, over real HTTP so they overlap. On
// PostgreSQL each takes its product rows as it decrements them: taken in the order the items came,
// two of them would wait on each other (a deadlock, which PostgreSQL breaks by failing one).
let live: LiveProductApp;
beforeAll(async () => {
  live = await startLiveProductApp();
});
afterAll(() => live.close());

describe('multi-item reservations in opposite orders', () => {
  it('when 60 reservations of three products race, each naming them in another order, then all succeed and none deadlocks', async () => {
    const ids = await Promise.all([live.createProduct(1000), live.createProduct(1000), live.createProduct(1000)]);
    const orders = [ids, [...ids].reverse(), [ids[1], ids[2], ids[0]], [ids[2], ids[0], ids[1]]] as number[][];

    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        live.post('/api/products/reservations/', {
          reservation_id: randomUUID(),
          items: (orders[i % orders.length] as number[]).map((productId) => ({ product_id: productId, quantity: 1 })),
        }),
      ),
    );

    expect(results.map((r) => r.status)).toEqual(Array(60).fill(201));
    for (const id of ids) expect(await live.stockOf(id)).toBe(940);
  });

  it('when reservations and releases of overlapping products in opposite orders race, then the stock adds up exactly', async () => {
    const [a, b] = [await live.createProduct(500), await live.createProduct(500)];
    const held = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const id = randomUUID();
        const items = i % 2 === 0 ? [a, b] : [b, a];
        await live.post('/api/products/reservations/', { reservation_id: id, items: items.map((p) => ({ product_id: p, quantity: 2 })) });
        return id;
      }),
    );

    const work = [
      ...held.map((id) => live.release(id)),
      ...Array.from({ length: 20 }, (_, i) =>
        live
          .post('/api/products/reservations/', {
            reservation_id: randomUUID(),
            items: (i % 2 === 0 ? [b, a] : [a, b]).map((p) => ({ product_id: p, quantity: 3 })),
          })
          .then((r) => r.status),
      ),
    ];
    const statuses = await Promise.all(work);

    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    expect(await live.stockOf(a as number)).toBe(500 - 20 * 3);
    expect(await live.stockOf(b as number)).toBe(500 - 20 * 3);
  });
});
