import { randomUUID } from 'node:crypto';
import { bearer, type Listening, listen } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestProductApp, type TestProductApp } from './product-app.js';

// Reservations that name the same products in opposite orders, over real HTTP so they overlap. On
// PostgreSQL each takes its product rows as it decrements them: taken in the order the items came,
// two of them would wait on each other (a deadlock, which PostgreSQL breaks by failing one).
const SERVICE = bearer('service');
const ADMIN = bearer('admin');
let t: TestProductApp;
let server: Listening;

beforeAll(async () => {
  t = await createTestProductApp();
  server = await listen(t.app);
});
afterAll(async () => {
  await server.close();
  await t.deps.close();
});

async function post(path: string, body: unknown, auth = SERVICE) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: auth },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const createProduct = async (stock: number) => (await post('/api/products/', { name: 'P', price: '1.00', stock }, ADMIN)).body.id as number;
const stockOf = async (id: number) => (await t.deps.prisma.product.findUniqueOrThrow({ where: { id } })).stock;

describe('multi-item reservations in opposite orders', () => {
  it('when 60 reservations of three products race, each naming them in another order, then all succeed and none deadlocks', async () => {
    const ids = await Promise.all([createProduct(1000), createProduct(1000), createProduct(1000)]);
    const orders = [ids, [...ids].reverse(), [ids[1], ids[2], ids[0]], [ids[2], ids[0], ids[1]]] as number[][];

    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        post('/api/products/reservations/', {
          reservation_id: randomUUID(),
          items: (orders[i % orders.length] as number[]).map((productId) => ({ product_id: productId, quantity: 1 })),
        }),
      ),
    );

    expect(results.map((r) => r.status)).toEqual(Array(60).fill(201));
    for (const id of ids) expect(await stockOf(id)).toBe(940);
  });

  it('when reservations and releases of overlapping products in opposite orders race, then the stock adds up exactly', async () => {
    const [a, b] = [await createProduct(500), await createProduct(500)];
    const held = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const id = randomUUID();
        const items = i % 2 === 0 ? [a, b] : [b, a];
        await post('/api/products/reservations/', { reservation_id: id, items: items.map((p) => ({ product_id: p, quantity: 2 })) });
        return id;
      }),
    );

    const work = [
      ...held.map((id) =>
        fetch(`${server.url}/api/products/reservations/${id}/`, { method: 'DELETE', headers: { Authorization: SERVICE } }),
      ),
      ...Array.from({ length: 20 }, (_, i) =>
        post('/api/products/reservations/', {
          reservation_id: randomUUID(),
          items: (i % 2 === 0 ? [b, a] : [a, b]).map((p) => ({ product_id: p, quantity: 3 })),
        }),
      ),
    ];
    const statuses = (await Promise.all(work)).map((r) => r.status);

    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    expect(await stockOf(a as number)).toBe(500 - 20 * 3);
    expect(await stockOf(b as number)).toBe(500 - 20 * 3);
  });
});
