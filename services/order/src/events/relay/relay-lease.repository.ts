import type { PrismaClient } from '../../generated/prisma/client.js';
import type { LeaseClock } from '../../orders/concurrency/lease-clock.js';

/** The one row of the lease: there is one outbox, so one relay at a time. */
const RELAY = 'order_events';

/** Who may publish the outbox: the holder of the relay lease. */
export interface RelayLease {
  /** Takes or renews the lease for `owner`; false while another owner holds it. */
  hold(owner: string, ttlMs: number): Promise<boolean>;
  /** Gives it up, if `owner` holds it. */
  release(owner: string): Promise<void>;
}

/**
 * Where one process owns the database (an SQLite file), its relay is the only one: the lease is
 * always its own, and taking it writes nothing. Chosen in the composition root.
 */
export const processRelayLease: RelayLease = {
  hold: async () => true,
  release: async () => undefined,
};

/**
 * Which order replica publishes the outbox, where replicas share the database: the row of the
 * relay lease, taken by an owner token until it expires (by the database's clock), renewed while
 * the replica publishes. Replicas that do not hold it only try again now and then.
 */
export class RelayLeaseRepository implements RelayLease {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: LeaseClock,
  ) {}

  /**
   * Takes the lease for `owner`, or renews it when `owner` holds it already, for `ttlMs`: one
   * statement, so of replicas trying at once exactly one gets it. False when another owner holds
   * it and it has not expired.
   */
  async hold(owner: string, ttlMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      INSERT INTO "order_event_relay" ("name", "owner", "expires_at") VALUES (${RELAY}, ${owner}, ${this.clock.after(ttlMs)})
      ON CONFLICT ("name") DO UPDATE SET "owner" = excluded."owner", "expires_at" = excluded."expires_at"
      WHERE "order_event_relay"."owner" = excluded."owner" OR "order_event_relay"."expires_at" < ${this.clock.now()}`;
    return count === 1;
  }

  /** Gives the lease up, if `owner` still holds it, so another replica can take it at once. */
  async release(owner: string): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM "order_event_relay" WHERE "name" = ${RELAY} AND "owner" = ${owner}`;
  }
}
