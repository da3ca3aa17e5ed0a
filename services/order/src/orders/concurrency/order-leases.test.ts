import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@order-system/platform';
import { waitFor } from '@order-system/testing';
import { describe, expect, it } from 'vitest';
import type { OrderWork } from '../domain/order.js';
import { OrderLeases } from './order-leases.js';
import type { OrderLeasesRepository } from './order-leases.repository.js';

/** The lease columns of a few orders, in memory: who holds each, and how often each lease was renewed. */
class FakeLeaseRows implements Pick<OrderLeasesRepository, 'take' | 'renew' | 'release' | 'holder'> {
  readonly rows = new Map<string, { token: string | null; work: OrderWork | null }>();
  renewals = 0;

  insert(orderId: string, token: string): void {
    this.rows.set(orderId, { token, work: 'workflow' });
  }

  async take(orderId: string, token: string, work: OrderWork): Promise<boolean> {
    const row = this.rows.get(orderId);
    if (!row || row.token !== null) return false;
    this.rows.set(orderId, { token, work });
    return true;
  }

  async renew(orderId: string, token: string): Promise<boolean> {
    this.renewals += 1;
    return this.rows.get(orderId)?.token === token;
  }

  async release(orderId: string, token: string): Promise<void> {
    const row = this.rows.get(orderId);
    if (row?.token === token) this.rows.set(orderId, { token: null, work: null });
  }

  async holder(orderId: string): Promise<OrderWork | undefined> {
    return this.rows.get(orderId)?.work ?? undefined;
  }
}

const logger = createLogger({ service: 'order', level: 'silent' });
const TTL_MS = 60;

describe('OrderLeases', () => {
  it('when a new order is slow to be written, then its lease is not renewed before the insert, and not taken for lost', async () => {
    const rows = new FakeLeaseRows();
    const leases = new OrderLeases(rows as unknown as OrderLeasesRepository, { ttlMs: TTL_MS, logger });

    const lost = await leases.forNewOrder('o1', async (lease) => {
      await sleep(4 * TTL_MS);
      expect(rows.renewals).toBe(0);
      rows.insert('o1', lease.token);
      lease.recorded();
      await waitFor(() => rows.renewals >= 2);
      return lease.lost;
    });

    expect(lost).toBe(false);
  });

  it('when another worker took the order meanwhile, then the next renewal marks the lease lost', async () => {
    const rows = new FakeLeaseRows();
    const leases = new OrderLeases(rows as unknown as OrderLeasesRepository, { ttlMs: TTL_MS, logger });

    const lost = await leases.forNewOrder('o2', async (lease) => {
      rows.insert('o2', lease.token);
      lease.recorded();
      rows.rows.set('o2', { token: 'another-worker', work: 'recovery' });
      await waitFor(() => lease.lost);
      return lease.lost;
    });

    expect(lost).toBe(true);
    // Its release leaves the other worker's lease alone.
    expect(rows.rows.get('o2')).toEqual({ token: 'another-worker', work: 'recovery' });
  });

  it('when the order is held by the create-order workflow, then a waiting hold gives up at once and says so', async () => {
    const rows = new FakeLeaseRows();
    rows.insert('o3', 'workflow-token');
    const leases = new OrderLeases(rows as unknown as OrderLeasesRepository, { ttlMs: TTL_MS, logger });

    expect(await leases.hold('o3', 'cancel', async () => 'ran', { wait: true })).toEqual({ held: false, holder: 'workflow' });
  });
});
