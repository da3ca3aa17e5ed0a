import type { PrismaClient } from '../generated/prisma/client.js';
import type { OrderWork } from './in-flight-orders.js';

/**
 * The only code that touches the order_leases table, on PostgreSQL (where replicas share the order
 * database). Expiry is computed by the database's clock (now()), so replicas whose clocks differ
 * still agree on whether a lease has expired.
 */
export class OrderLeasesRepository {
  constructor(
    private readonly prisma: PrismaClient,
    /** How long a lease lives without renewal: the time after which a dead replica's orders are free again. */
    readonly ttlMs: number,
  ) {}

  /**
   * Takes the order's lease for `owner` when nobody holds it or its holder let it expire, in one
   * statement: of concurrent takers, the row lock lets exactly one through. True when taken.
   */
  async take(orderId: string, owner: string, work: OrderWork): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ owner: string }[]>`
      INSERT INTO order_leases (order_id, owner, work, expires_at)
      VALUES (${orderId}, ${owner}, ${work}, now() + ${this.ttlMs}::integer * interval '1 millisecond')
      ON CONFLICT (order_id) DO UPDATE SET owner = EXCLUDED.owner, work = EXCLUDED.work, expires_at = EXCLUDED.expires_at
        WHERE order_leases.expires_at < now()
      RETURNING owner`;
    return rows.length === 1;
  }

  /** Pushes the expiry of a lease `owner` holds one TTL ahead; false when it holds it no more. */
  async renew(orderId: string, owner: string): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE order_leases SET expires_at = now() + ${this.ttlMs}::integer * interval '1 millisecond'
       WHERE order_id = ${orderId} AND owner = ${owner}`;
    return count === 1;
  }

  async release(orderId: string, owner: string): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM order_leases WHERE order_id = ${orderId} AND owner = ${owner}`;
  }

  /** The work of the order's live lease, if any. */
  async holder(orderId: string): Promise<OrderWork | undefined> {
    const rows = await this.prisma.$queryRaw<{ work: OrderWork }[]>`
      SELECT work FROM order_leases WHERE order_id = ${orderId} AND expires_at >= now()`;
    return rows[0]?.work;
  }
}
