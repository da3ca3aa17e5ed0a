import type { PrismaClient } from '../../generated/prisma/client.js';
import type { OrderWork } from '../domain/order.js';
import type { LeaseClock } from './lease-clock.js';

/**
 * The only code that touches the lease columns of the orders table: who works on an order (the
 * create-order workflow, a cancellation or the recovery job, of any replica), under which token,
 * until when. Expiry is told by the lease clock (the database's on PostgreSQL).
 */
export class OrderLeasesRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: LeaseClock,
  ) {}

  /**
   * Takes the order's lease for `token` when nobody holds it or its holder let it expire, in one
   * statement: of concurrent takers, the row lock lets exactly one through. False when it is held,
   * or there is no such order.
   */
  async take(orderId: string, token: string, work: OrderWork, ttlMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE "orders" SET "lease_token" = ${token}, "lease_work" = ${work}, "lease_expires_at" = ${this.clock.after(ttlMs)}
      WHERE "id" = ${orderId} AND ("lease_token" IS NULL OR "lease_expires_at" < ${this.clock.now()})`;
    return count === 1;
  }

  /** Pushes the expiry of a lease still held under `token` one TTL ahead; false when it is held no more. */
  async renew(orderId: string, token: string, ttlMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE "orders" SET "lease_expires_at" = ${this.clock.after(ttlMs)} WHERE "id" = ${orderId} AND "lease_token" = ${token}`;
    return count === 1;
  }

  async release(orderId: string, token: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "orders" SET "lease_token" = NULL, "lease_work" = NULL, "lease_expires_at" = NULL
      WHERE "id" = ${orderId} AND "lease_token" = ${token}`;
  }

  /** The work of the order's live lease, if any. */
  async holder(orderId: string): Promise<OrderWork | undefined> {
    const rows = await this.prisma.$queryRaw<{ lease_work: OrderWork }[]>`
      SELECT "lease_work" FROM "orders"
      WHERE "id" = ${orderId} AND "lease_token" IS NOT NULL AND "lease_expires_at" >= ${this.clock.now()}`;
    return rows[0]?.lease_work;
  }

  /**
   * Clears leases that expired `graceMs` ago or more (their holder died, or stalled and will find
   * its writes refused): the orders they were on are free, and no stale holder is left on a row.
   */
  async clearExpired(graceMs: number): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE "orders" SET "lease_token" = NULL, "lease_work" = NULL, "lease_expires_at" = NULL
      WHERE "lease_expires_at" < ${this.clock.after(-graceMs)}`;
  }

  /** Clears every lease: where one process owns the database, none of its leases outlives it. */
  async clearAll(): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE "orders" SET "lease_token" = NULL, "lease_work" = NULL, "lease_expires_at" = NULL WHERE "lease_token" IS NOT NULL`;
  }
}
