import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { NewOrderEvent, OrderEventType, StoredOrderEvent } from './order-event.js';

/**
 * The columns of an orders row that carry the event its write records (`UPDATE "orders" SET ...,
 * <these>`): a trigger of the database moves the event to the outbox in the same statement, with
 * the order's next sequence, and clears the payload from the row. So an event is written exactly
 * when its change is, by one statement, whoever writes the order.
 */
export function eventColumns(event: NewOrderEvent): Prisma.Sql {
  return Prisma.sql`"event_id" = ${event.id}, "event_type" = ${event.type}, "event_payload" = ${event.payload}`;
}

/**
 * The statement that writes a further event of one change (a change that makes two), run by the
 * orders repository in the transaction of the change, after its update applied. The sequence is counted here, after the change's update has locked the order's row, so
 * two changes of one order never count the same number (and the unique (order_id, sequence) key
 * would refuse it if they did). `position` and `transaction_id` are the database's defaults.
 */
export function insertOrderEvent(event: NewOrderEvent): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "order_events" ("id", "order_id", "sequence", "type", "occurred_at", "payload")
    VALUES (${event.id}, ${event.orderId},
      (SELECT COALESCE(MAX("sequence"), 0) + 1 FROM "order_events" WHERE "order_id" = ${event.orderId}),
      ${event.type}, ${event.occurredAt}, ${event.payload})`;
}

/**
 * Which committed events a reader of the feed may be given now. Rows are read in
 * (transaction_id, position) order; a row that is still being written must never turn up later
 * before one already served. On SQLite writers take turns, so every committed row may be served
 * (transaction_id is 0 and positions commit in order). On PostgreSQL positions are taken from a
 * sequence and commit out of order, so only rows of transactions older than every transaction
 * still running are served: any row that commits later has a greater transaction id. Chosen once,
 * in the composition root.
 */
export interface EventHorizon {
  /** An SQL condition on an "order_events" row: true when it may be served. */
  visible(): Prisma.Sql;
}

export const everyCommittedEvent: EventHorizon = { visible: () => Prisma.sql`1 = 1` };

export const eventsOfFinishedTransactions: EventHorizon = {
  visible: () => Prisma.sql`"transaction_id" < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`,
};

interface EventRow {
  id: string;
  order_id: string;
  sequence: number;
  type: string;
  occurred_at: Date;
  payload: string;
}

const COLUMNS = Prisma.sql`"id", "order_id", "sequence", "type", "occurred_at", "payload"`;
/** Orders watched by the stream, asked about in one statement, at most this many at a time. */
const ORDERS_PER_QUERY = 200;

/** The only code that reads the outbox or changes its rows once written. */
export class OrderEventsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly horizon: EventHorizon,
  ) {}

  async exists(id: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`SELECT "id" FROM "order_events" WHERE "id" = ${id}`;
    return rows.length > 0;
  }

  /** The feed: up to `limit` events after the event `after` (from the first when null), in the order they committed. */
  async page(after: string | null, limit: number): Promise<StoredOrderEvent[]> {
    const from =
      after === null
        ? Prisma.empty
        : Prisma.sql`AND ("transaction_id", "position") >
            (SELECT "transaction_id", "position" FROM "order_events" WHERE "id" = ${after})`;
    const rows = await this.prisma.$queryRaw<EventRow[]>`
      SELECT ${COLUMNS} FROM "order_events"
      WHERE ${this.horizon.visible()} ${from}
      ORDER BY "transaction_id", "position" LIMIT ${limit}`;
    return rows.map(toEvent);
  }

  /** The sequence of the order's last event; 0 when it has none. */
  async lastSequence(orderId: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ sequence: number }[]>`
      SELECT "sequence" FROM "order_events" WHERE "order_id" = ${orderId} ORDER BY "sequence" DESC LIMIT 1`;
    return rows[0]?.sequence ?? 0;
  }

  /** The sequence of the event `id` if it is one of this order's. */
  async sequenceOf(orderId: string, id: string): Promise<number | null> {
    const rows = await this.prisma.$queryRaw<{ sequence: number }[]>`
      SELECT "sequence" FROM "order_events" WHERE "id" = ${id} AND "order_id" = ${orderId}`;
    return rows[0]?.sequence ?? null;
  }

  /** The events of each order after the sequence given for it, in sequence order per order. */
  async after(cursors: ReadonlyMap<string, number>): Promise<StoredOrderEvent[]> {
    const entries = [...cursors];
    const events: StoredOrderEvent[] = [];
    for (let start = 0; start < entries.length; start += ORDERS_PER_QUERY) {
      const which = entries
        .slice(start, start + ORDERS_PER_QUERY)
        .map(([orderId, sequence]) => Prisma.sql`("order_id" = ${orderId} AND "sequence" > ${sequence})`);
      const rows = await this.prisma.$queryRaw<EventRow[]>`
        SELECT ${COLUMNS} FROM "order_events" WHERE ${Prisma.join(which, ' OR ')} ORDER BY "order_id", "sequence"`;
      events.push(...rows.map(toEvent));
    }
    return events;
  }

  /**
   * The next events to publish: unpublished, oldest first, and of each order only the first one
   * not yet published, so that an order's next event is sent only once the one before it was
   * confirmed (a refused or lost publish can never let a later event of that order overtake it).
   */
  async nextToPublish(limit: number): Promise<StoredOrderEvent[]> {
    const rows = await this.prisma.$queryRaw<EventRow[]>`
      SELECT ${COLUMNS} FROM "order_events" AS e
      WHERE e."published_at" IS NULL AND NOT EXISTS (
        SELECT 1 FROM "order_events" AS earlier
        WHERE earlier."order_id" = e."order_id" AND earlier."published_at" IS NULL AND earlier."sequence" < e."sequence")
      ORDER BY e."position" LIMIT ${limit}`;
    return rows.map(toEvent);
  }

  async markPublished(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE "order_events" SET "published_at" = ${at} WHERE "id" IN (${Prisma.join(ids)}) AND "published_at" IS NULL`;
  }

  /** How many events wait to be published. */
  async unpublishedCount(): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ count: number }[]>`
      SELECT CAST(COUNT(*) AS INTEGER) AS "count" FROM "order_events" WHERE "published_at" IS NULL`;
    return Number(rows[0]?.count ?? 0);
  }

  /** When the oldest event that waits to be published happened; null when none waits. */
  async oldestUnpublished(): Promise<Date | null> {
    const rows = await this.prisma.$queryRaw<{ occurred_at: Date }[]>`
      SELECT "occurred_at" FROM "order_events" WHERE "published_at" IS NULL ORDER BY "position" LIMIT 1`;
    const oldest = rows[0]?.occurred_at;
    return oldest === undefined ? null : new Date(oldest);
  }

  /**
   * Deletes up to `batch` events that happened before `before` (only published ones unless
   * `unpublishedToo`), never the last event of an order: the next event of an order is numbered
   * after it, so an order's sequence keeps growing whatever is pruned.
   */
  prune(before: Date, options: { unpublishedToo: boolean; batch: number }): Promise<number> {
    const published = options.unpublishedToo ? Prisma.empty : Prisma.sql`AND e."published_at" IS NOT NULL`;
    return this.prisma.$executeRaw`
      DELETE FROM "order_events" WHERE "position" IN (
        SELECT e."position" FROM "order_events" AS e
        WHERE e."occurred_at" < ${before} ${published} AND EXISTS (
          SELECT 1 FROM "order_events" AS later WHERE later."order_id" = e."order_id" AND later."sequence" > e."sequence")
        ORDER BY e."position" LIMIT ${options.batch})`;
  }
}

function toEvent(row: EventRow): StoredOrderEvent {
  return {
    id: row.id,
    orderId: row.order_id,
    sequence: Number(row.sequence),
    type: row.type as OrderEventType,
    occurredAt: row.occurred_at instanceof Date ? row.occurred_at : new Date(row.occurred_at),
    payload: row.payload,
  };
}
