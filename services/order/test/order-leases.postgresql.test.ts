import { randomUUID } from 'node:crypto';
import { createLogger, openDatabase } from '@order-system/platform';
import { tempDatabaseUrl, waitFor } from '@order-system/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ORDER_DATABASE } from '../src/database.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { LeasedInFlightOrders } from '../src/orders/order-leases.js';
import { OrderLeasesRepository } from '../src/orders/order-leases.repository.js';

// Two replicas of the order service on one PostgreSQL database, each with its own connection pool
// and owner id, taking turns on orders through their leases.
const logger = createLogger({ service: 'order', level: 'silent' });
const url = tempDatabaseUrl('leases');
// Short, but not so short that a busy machine delays a renewal past it.
const TTL_MS = 3000;
const clients: PrismaClient[] = [];
afterAll(() => Promise.all(clients.map((client) => client.$disconnect().catch(() => undefined))));

async function replica(): Promise<{ inFlight: LeasedInFlightOrders; prisma: PrismaClient }> {
  const { prisma } = await openDatabase(ORDER_DATABASE, { databaseUrl: url, poolSize: 3, logger });
  clients.push(prisma);
  const inFlight = new LeasedInFlightOrders(new OrderLeasesRepository(prisma, TTL_MS), { owner: randomUUID(), logger });
  return { inFlight, prisma };
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const expiryOf = async (prisma: PrismaClient, orderId: string) => (await prisma.orderLease.findUnique({ where: { orderId } }))?.expiresAt;

describe('order leases shared by replicas', () => {
  it('when one replica holds an order, then the other skips it and sees who holds it; once released, it may take it', async () => {
    const [a, b] = [await replica(), await replica()];
    const orderId = randomUUID();
    const { opened, open } = gate();
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });

    const work = a.inFlight.run(orderId, 'workflow', async () => {
      started();
      await opened;
      return 'a done';
    });
    await running;

    expect(await b.inFlight.tryRun(orderId, 'recovery', async () => 'b ran')).toBe('skipped');
    expect(await b.inFlight.currentHolder(orderId)).toBe('workflow');
    expect(b.inFlight.holder(orderId)).toBeUndefined();
    open();
    expect(await work).toBe('a done');
    expect(await b.inFlight.currentHolder(orderId)).toBeUndefined();
    expect(await b.inFlight.tryRun(orderId, 'recovery', async () => 'b ran')).toBe('b ran');
  });

  it('when the holder works longer than the lease lives, then it renews it and the other replica still never gets in', {
    timeout: 60_000,
  }, async () => {
    const [a, b] = [await replica(), await replica()];
    const orderId = randomUUID();
    const { opened, open } = gate();
    const attempts: string[] = [];
    let takenAt: Date | undefined;

    const work = a.inFlight.run(orderId, 'cancel', async () => {
      takenAt = await expiryOf(a.prisma, orderId);
      await opened;
    });
    await waitFor(() => takenAt !== undefined);
    // Until the lease has been pushed forward more than twice its life, the other replica keeps trying.
    await waitFor(async () => {
      attempts.push(String(await b.inFlight.tryRun(orderId, 'recovery', async () => 'ran')));
      const expiry = await expiryOf(a.prisma, orderId);
      return takenAt !== undefined && expiry !== undefined && expiry.getTime() - takenAt.getTime() > 2 * TTL_MS;
    }, 5 * TTL_MS);
    open();
    await work;

    expect(attempts.length).toBeGreaterThan(0);
    expect(new Set(attempts)).toEqual(new Set(['skipped']));
  });

  it('when run finds the order held by another replica, then it waits until the holder is done, and runs after it', async () => {
    const [a, b] = [await replica(), await replica()];
    const orderId = randomUUID();
    const { opened, open } = gate();
    const events: string[] = [];

    const first = a.inFlight.run(orderId, 'workflow', async () => {
      events.push('a starts');
      await opened;
      events.push('a ends');
    });
    await waitFor(() => events.length === 1);
    const second = b.inFlight.run(orderId, 'cancel', async () => {
      events.push('b runs');
    });
    // B has asked for the lease and is waiting; its lease row is still A's.
    await waitFor(() => b.inFlight.holder(orderId) === 'cancel');
    expect(await b.prisma.orderLease.findUnique({ where: { orderId } })).toMatchObject({ work: 'workflow' });
    expect(events).toEqual(['a starts']);
    open();
    await Promise.all([first, second]);

    expect(events).toEqual(['a starts', 'a ends', 'b runs']);
  });

  it('when the holder died after taking the lease (it never renews it), then it expires and the other replica takes the order', async () => {
    const b = await replica();
    const orderId = randomUUID();
    // What a replica killed right after taking the lease leaves behind.
    expect(await new OrderLeasesRepository(b.prisma, TTL_MS).take(orderId, 'a-replica-that-died', 'workflow')).toBe(true);
    const takenAt = Date.now();

    expect(await b.inFlight.tryRun(orderId, 'recovery', async () => 'ran')).toBe('skipped');
    await waitFor(async () => (await b.inFlight.tryRun(orderId, 'recovery', async () => 'ran')) === 'ran');

    expect(Date.now() - takenAt).toBeGreaterThanOrEqual(TTL_MS - 50);
    expect(await b.prisma.orderLease.findUnique({ where: { orderId } })).toBeNull();
  });

  it('when many replicas try to take one free order at once, then exactly one gets it', async () => {
    const replicas = await Promise.all(Array.from({ length: 5 }, () => replica()));
    const orderId = randomUUID();
    const { opened, open } = gate();

    const skipped: number[] = [];
    const outcomes = replicas.map((r, i) =>
      r.inFlight
        .tryRun(orderId, 'recovery', () => opened.then(() => `replica ${i}`))
        .then((outcome) => {
          if (outcome === 'skipped') skipped.push(i);
          return outcome;
        }),
    );
    // The winner holds on until the four others have been turned away.
    await waitFor(() => skipped.length === 4);
    open();
    const results = await Promise.all(outcomes);

    expect(results.filter((r) => r !== 'skipped')).toHaveLength(1);
  });
});
