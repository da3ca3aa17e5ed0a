import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyService } from '../src/orders/idempotency/idempotency.js';
import { IdempotencyRepository } from '../src/orders/idempotency/idempotency.repository.js';
import { logger, startWorkers, type Workers } from './order-workers.js';

// The Idempotency-Key rules around a request that failed: its claim is given up only when it is known
// that it wrote no order; otherwise a repeat answers from that order (or runs again under its id).
let w: Workers;
let keys: IdempotencyService;
beforeAll(async () => {
  w = await startWorkers();
  keys = new IdempotencyService(new IdempotencyRepository(w.prisma), w.leases, logger);
});
afterAll(() => w?.close());

const stalled = () => new Error('timeout exceeded when trying to connect');

describe('a request under an Idempotency-Key that failed', () => {
  it('when it failed and nothing was written, then the key is free again and a repeat runs', async () => {
    const failing = keys.run(
      { scope: 's', key: 'free', body: { a: 1 } },
      {
        execute: async () => {
          throw stalled();
        },
        answerFor: async () => null,
      },
    );
    await expect(failing).rejects.toThrow();

    const again = await keys.run(
      { scope: 's', key: 'free', body: { a: 1 } },
      {
        execute: async (id) => ({ status: 201, body: { id } }),
        answerFor: async () => null,
      },
    );

    expect(again.status).toBe(201);
  });

  it('when it failed and whether it wrote an order cannot be told (the database stalled), then the claim is kept and a repeat answers from its order', async () => {
    const written = new Set<string>();
    let first = '';
    await expect(
      keys.run(
        { scope: 's', key: 'kept', body: { a: 1 } },
        {
          execute: async (id) => {
            first = id;
            written.add(id);
            throw stalled();
          },
          answerFor: async () => {
            throw stalled();
          },
        },
      ),
    ).rejects.toThrow();
    const executed: string[] = [];

    const again = await keys.run(
      { scope: 's', key: 'kept', body: { a: 1 } },
      {
        execute: async (id) => {
          executed.push(id);
          return { status: 201, body: { id } };
        },
        answerFor: async (id) => (written.has(id) ? { status: 202, body: { id, code: 'payment_pending' } } : null),
      },
    );

    // Never a second order: the repeat is answered from the first request's order.
    expect(executed).toEqual([]);
    expect(again).toMatchObject({ status: 202, body: { id: first }, replayed: true });
  });
});
