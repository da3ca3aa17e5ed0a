import { randomUUID } from 'node:crypto';
import { createLogger, openDatabase } from '@order-system/platform';
import { tempDatabaseUrl, waitFor } from '@order-system/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ORDER_DATABASE } from '../src/database.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { databaseClock } from '../src/orders/concurrency/lease-clock.js';
import { OrderLeases } from '../src/orders/concurrency/order-leases.js';
import { OrderLeasesRepository } from '../src/orders/concurrency/order-leases.repository.js';
import { failures } from '../src/orders/domain/order-failures.js';
import { moves } from '../src/orders/domain/order-state.js';
import { OrdersRepository } from '../src/orders/orders.repository.js';

// Two replicas of the order service on one PostgreSQL database, each with its own connection pool,
// taking turns on orders through the lease on each order's row, and fenced by its token.
const logger = createLogger({ service: 'order', level: 'silent' });
const url = tempDatabaseUrl('leases');
// Short, but not so short that a busy machine delays a renewal past it.
const TTL_MS = 3000;
const clients: PrismaClient[] = [];
afterAll(() => Promise.all(clients.map((client) => client.$disconnect().catch(() => undefined))));

interface Replica {
  leases: OrderLeases;
  rows: OrderLeasesRepository;
  orders: OrdersRepository;
  prisma: PrismaClient;
}

async function replica(): Promise<Replica> {
  const { prisma } = await openDatabase(ORDER_DATABASE, { databaseUrl: url, poolSize: 3, logger });
  clients.push(prisma);
  const rows = new OrderLeasesRepository(prisma, databaseClock);
  return { leases: new OrderLeases(rows, { ttlMs: TTL_MS, logger }), rows, orders: new OrdersRepository(prisma, databaseClock), prisma };
}

/** A PENDING order that nobody holds. */
async function newOrder(r: Replica): Promise<string> {
  const id = randomUUID();
  const token = randomUUID();
  await r.orders.create(
    { id, customerName: 'Ann', userId: null, placedBy: 'system', lines: [{ productId: 1, quantity: 1 }] },
    { token, ttlMs: TTL_MS },
  );
  await r.rows.release(id, token);
  return id;
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const expiryOf = async (prisma: PrismaClient, id: string) =>
  (await prisma.order.findUnique({ where: { id } }))?.leaseExpiresAt ?? undefined;
const skip = { wait: false };

describe('order leases shared by replicas', () => {
  it('when one replica holds an order, then the other cannot take it and sees who holds it; once released, it may take it', async () => {
    const [a, b] = [await replica(), await replica()];
    const orderId = await newOrder(a);
    const { opened, open } = gate();
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });

    const work = a.leases.hold(
      orderId,
      'cancel',
      async () => {
        started();
        await opened;
        return 'a done';
      },
      { wait: true },
    );
    await running;

    expect(await b.leases.hold(orderId, 'recovery', async () => 'b ran', skip)).toEqual({ held: false, holder: 'cancel' });
    expect(await b.leases.holder(orderId)).toBe('cancel');
    open();
    expect(await work).toEqual({ held: true, value: 'a done' });
    expect(await b.leases.holder(orderId)).toBeUndefined();
    expect(await b.leases.hold(orderId, 'recovery', async () => 'b ran', skip)).toEqual({ held: true, value: 'b ran' });
  });

  it('when the holder works longer than the lease lives, then it renews it and the other replica still never gets in', {
    timeout: 60_000,
  }, async () => {
    const [a, b] = [await replica(), await replica()];
    const orderId = await newOrder(a);
    const { opened, open } = gate();
    const attempts: boolean[] = [];
    let takenAt: Date | undefined;

    const work = a.leases.hold(
      orderId,
      'cancel',
      async () => {
        takenAt = await expiryOf(a.prisma, orderId);
        await opened;
      },
      { wait: true },
    );
    await waitFor(() => takenAt !== undefined);
    // Until the lease has been pushed forward more than twice its life, the other replica keeps trying.
    await waitFor(async () => {
      attempts.push((await b.leases.hold(orderId, 'recovery', async () => 'ran', skip)).held);
      const expiry = await expiryOf(a.prisma, orderId);
      return takenAt !== undefined && expiry !== undefined && expiry.getTime() - takenAt.getTime() > 2 * TTL_MS;
    }, 5 * TTL_MS);
    open();
    await work;

    expect(attempts.length).toBeGreaterThan(0);
    expect(new Set(attempts)).toEqual(new Set([false]));
  });

  it('when a wait finds the order held by another replica, then it waits until the holder is done, and runs after it', async () => {
    const [a, b] = [await replica(), await replica()];
    const orderId = await newOrder(a);
    const { opened, open } = gate();
    const events: string[] = [];

    const first = a.leases.hold(
      orderId,
      'recovery',
      async () => {
        events.push('a starts');
        await opened;
        events.push('a ends');
      },
      { wait: true },
    );
    await waitFor(() => events.length === 1);
    const second = b.leases.hold(
      orderId,
      'cancel',
      async () => {
        events.push('b runs');
      },
      { wait: true },
    );
    // B is waiting; the lease is still A's.
    await waitFor(async () => (await a.prisma.order.findUnique({ where: { id: orderId } }))?.leaseWork === 'recovery');
    expect(events).toEqual(['a starts']);
    open();
    await Promise.all([first, second]);

    expect(events).toEqual(['a starts', 'a ends', 'b runs']);
  });

  it('when the create-order workflow of another replica holds the order, then a cancellation does not wait for it', async () => {
    const [a, b] = [await replica(), await replica()];
    const orderId = randomUUID();
    const { opened, open } = gate();
    let created!: () => void;
    const written = new Promise<void>((resolve) => {
      created = resolve;
    });
    const placing = a.leases.forNewOrder(orderId, async (lease) => {
      await a.orders.create(
        { id: orderId, customerName: 'Ann', userId: null, placedBy: 'system', lines: [{ productId: 1, quantity: 1 }] },
        {
          token: lease.token,
          ttlMs: TTL_MS,
        },
      );
      created();
      await opened;
    });
    await written;

    expect(await b.leases.hold(orderId, 'cancel', async () => 'cancelled', { wait: true })).toEqual({ held: false, holder: 'workflow' });
    open();
    await placing;
  });

  it('when the holder died after taking the lease (it never renews it), then it expires and the other replica takes the order', async () => {
    const b = await replica();
    const orderId = await newOrder(b);
    // What a replica killed right after taking the lease leaves behind.
    expect(await b.rows.take(orderId, 'a-replica-that-died', 'workflow', TTL_MS)).toBe(true);
    const takenAt = Date.now();

    expect((await b.leases.hold(orderId, 'recovery', async () => 'ran', skip)).held).toBe(false);
    await waitFor(async () => (await b.leases.hold(orderId, 'recovery', async () => 'ran', skip)).held);

    expect(Date.now() - takenAt).toBeGreaterThanOrEqual(TTL_MS - 50);
    expect((await b.prisma.order.findUnique({ where: { id: orderId } }))?.leaseToken).toBeNull();
  });

  it('when a worker stalled past its lease and was taken over, then its writes are refused and the new holder writes', async () => {
    const [a, b] = [await replica(), await replica()];
    const orderId = await newOrder(a);
    const stalled = { orderId, token: 'token-of-a-worker-that-stalled' };
    expect(await a.rows.take(orderId, stalled.token, 'workflow', TTL_MS)).toBe(true);
    const order = (await a.orders.findById(orderId))!;
    const writes: { cancelled?: string; late?: unknown } = {};

    await waitFor(
      async () =>
        (
          await b.leases.hold(
            orderId,
            'recovery',
            async (lease) => {
              // Resumed: the stalled worker writes with its old token while the order is still PENDING.
              writes.late = await a.orders.apply(order, moves.stock(order, 'RELEASED'), { fence: stalled });
              writes.cancelled = (
                await b.orders.apply(order, moves.cancelled(order, failures.interrupted, 'system'), { fence: lease })
              )?.status;
            },
            skip,
          )
        ).held,
      3 * TTL_MS,
    );

    expect(writes).toEqual({ cancelled: 'CANCELLED', late: null });
    const final = await a.orders.findById(orderId);
    expect(final?.status).toBe('CANCELLED');
    expect(final?.history.map((entry) => entry.to)).toEqual(['PENDING', 'CANCELLED']);
    expect(await a.orders.apply(final!, moves.stock(final!, 'RELEASED'), { fence: stalled })).toBeNull();
  });

  it('when many replicas try to take one free order at once, then exactly one gets it', async () => {
    const replicas = await Promise.all(Array.from({ length: 5 }, () => replica()));
    const orderId = await newOrder(replicas[0]!);
    const { opened, open } = gate();

    const skipped: number[] = [];
    const outcomes = replicas.map((r, i) =>
      r.leases
        .hold(orderId, 'recovery', () => opened.then(() => `replica ${i}`), skip)
        .then((outcome) => {
          if (!outcome.held) skipped.push(i);
          return outcome;
        }),
    );
    // The winner holds on until the four others have been turned away.
    await waitFor(() => skipped.length === 4);
    open();
    const results = await Promise.all(outcomes);

    expect(results.filter((r) => r.held)).toHaveLength(1);
  });
});
