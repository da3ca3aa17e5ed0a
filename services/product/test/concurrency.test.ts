import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveProductApp, startLiveProductApp } from './live-product-app.js';

// These tests go through a real listening server over real HTTP, so requests truly overlap.
let live: LiveProductApp;
beforeAll(async () => {
  live = await startLiveProductApp();
});
afterAll(() => live.close());

describe('reservations under concurrency', () => {
  it('when 50 reservations of 1 race for stock 10, then exactly 10 succeed and stock ends at 0', async () => {
    const id = await live.createProduct(10);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        live.post('/api/products/reservations/', { reservation_id: randomUUID(), items: [{ product_id: id, quantity: 1 }] }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    expect(await live.stockOf(id)).toBe(0);
    const reserved = await live.deps.prisma.reservationItem.aggregate({ where: { productId: id }, _sum: { quantity: true } });
    expect(reserved._sum.quantity).toBe(10);
  });

  it('when overlapping multi-item reservations race, then for every product reserved = initial - final, never below zero', async () => {
    const initial = [7, 5, 9];
    const ids = await Promise.all(initial.map(live.createProduct));
    const requests = Array.from({ length: 60 }, (_, i) => {
      const a = ids[i % 3] as number;
      const b = ids[(i + 1) % 3] as number;
      return {
        reservation_id: randomUUID(),
        items: [
          { product_id: a, quantity: 1 + (i % 2) },
          { product_id: b, quantity: 1 },
        ],
      };
    });
    const results = await Promise.all(requests.map((body) => live.post('/api/products/reservations/', body)));
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);

    const succeeded = requests.filter((_, i) => results[i]?.status === 201);
    expect(succeeded.length).toBeGreaterThan(0);
    for (const [index, id] of ids.entries()) {
      const reserved = succeeded
        .flatMap((r) => r.items)
        .filter((item) => item.product_id === id)
        .reduce((sum, item) => sum + item.quantity, 0);
      const final = await live.stockOf(id);
      expect(final).toBeGreaterThanOrEqual(0);
      expect(reserved).toBe((initial[index] as number) - final);
    }
  });

  it('when one reservation_id is repeated 30 times at once, then stock is taken once and every answer is the same reservation', async () => {
    const id = await live.createProduct(100);
    const reservationId = randomUUID();
    const body = { reservation_id: reservationId, items: [{ product_id: id, quantity: 3 }] };
    const results = await Promise.all(Array.from({ length: 30 }, () => live.post('/api/products/reservations/', body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(29);
    expect(new Set(results.map((r) => r.body.reservation_id))).toEqual(new Set([reservationId]));
    expect(await live.stockOf(id)).toBe(97);
  });

  it('when one reservation is released 20 times at once, then the stock comes back exactly once', async () => {
    const id = await live.createProduct(10);
    const reservationId = randomUUID();
    await live.post('/api/products/reservations/', { reservation_id: reservationId, items: [{ product_id: id, quantity: 4 }] });
    const results = await Promise.all(Array.from({ length: 20 }, () => live.release(reservationId)));
    expect(results.every((status) => status === 200)).toBe(true);
    expect(await live.stockOf(id)).toBe(10);
  });

  it('when reservations, releases and reads run together, then no request fails with a database error', async () => {
    const id = await live.createProduct(1000);
    const work = Array.from({ length: 80 }, async (_, i) => {
      if (i % 4 === 0) return live.get(`/api/products/${id}/`);
      const reservationId = randomUUID();
      const res = await live.post('/api/products/reservations/', {
        reservation_id: reservationId,
        items: [{ product_id: id, quantity: 2 }],
      });
      if (i % 2 === 0) await live.release(reservationId);
      return res.status;
    });
    const statuses = await Promise.all(work);
    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    const active = await live.deps.prisma.reservationItem.aggregate({
      where: { productId: id, reservation: { status: 'ACTIVE' } },
      _sum: { quantity: true },
    });
    expect(await live.stockOf(id)).toBe(1000 - (active._sum.quantity ?? 0));
  });
});

describe('a reservation and a void of one id at once', () => {
  const voidOf = (reservationId: string) => live.post(`/api/products/reservations/${reservationId}/void/`, {});

  it('when 40 ids are each reserved and voided at once, then each ends released or voided, and no stock stays held', async () => {
    const productId = await live.createProduct(1000);
    const ids = Array.from({ length: 40 }, () => randomUUID());

    // Each side gets a head start of 0-2 round trips on alternate ids (requests, never timers), so
    // that each wins some of the races on either database.
    const after = async (roundTrips: number) => {
      for (let i = 0; i < roundTrips; i++) await live.get('/health');
    };
    const answers = await Promise.all(
      ids.map(async (reservationId, i) => {
        const lead = (i % 5) - 2;
        const [reserved, voided] = await Promise.all([
          after(Math.max(0, -lead)).then(() =>
            live.post('/api/products/reservations/', { reservation_id: reservationId, items: [{ product_id: productId, quantity: 2 }] }),
          ),
          after(Math.max(0, lead)).then(() => voidOf(reservationId)),
        ]);
        return { reserved, voided };
      }),
    );

    for (const { reserved, voided } of answers) {
      expect(voided.status).toBe(200);
      if (reserved.status === 201) {
        // The reservation won: the void released it.
        expect(voided.body.status).toBe('RELEASED');
      } else {
        // The void won: the reservation was refused and took nothing.
        expect(reserved.status).toBe(409);
        expect(reserved.body.code).toBe('reservation_voided');
        expect(voided.body).toMatchObject({ status: 'VOIDED', items: [] });
      }
    }
    expect(await live.stockOf(productId)).toBe(1000);
    const rows = await live.deps.prisma.reservation.findMany({ where: { id: { in: ids } }, include: { items: true } });
    expect(rows).toHaveLength(40);
    for (const row of rows) {
      expect(row.status === 'RELEASED' || (row.status === 'VOIDED' && row.items.length === 0)).toBe(true);
    }
  });

  it('when one id gets 10 reservations and 10 voids at once, then at most one reservation succeeds and its stock comes back', async () => {
    const productId = await live.createProduct(50);
    const reservationId = randomUUID();
    const body = { reservation_id: reservationId, items: [{ product_id: productId, quantity: 5 }] };

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? live.post('/api/products/reservations/', body) : voidOf(reservationId))),
    );

    const reservations = answers.filter((_, i) => i % 2 === 0);
    const voids = answers.filter((_, i) => i % 2 === 1);
    expect(reservations.filter((a) => a.status === 201).length).toBeLessThanOrEqual(1);
    expect(reservations.every((a) => [200, 201, 409].includes(a.status))).toBe(true);
    expect(voids.every((a) => a.status === 200)).toBe(true);
    expect(await live.stockOf(productId)).toBe(50);
    const row = await live.deps.prisma.reservation.findUniqueOrThrow({ where: { id: reservationId } });
    expect(['RELEASED', 'VOIDED']).toContain(row.status);
  });
});
