import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { EventIds } from './event-ids.js';
import type { NewOrderEvent, OrderEventType, StoredOrderEvent } from './order-event.js';

/**
 * The statement that writes an event of a change, run by the orders repository in the transaction
 * of the change, once the change applied: so an event exists exactly when its change was written.
 * A new order's first event is numbered 1; a later one after the order's last event (the change's
 * update has locked the order's row by then, so two writers of one order never count the same
 * number, and pruning never deletes an order's last event, so the number keeps growing).
 */
export function insertOrderEvent(event: NewOrderEvent, first = false): Prisma.Sql {
  const sequence = first
    ? Prisma.sql`1`
    : Prisma.sql`(SELECT COALESCE(MAX("sequence"), 0) + 1 FROM "order_events" WHERE "order_id" = ${event.orderId})`;
  return Prisma.sql`
    INSERT INTO "order_events" ("order_id", "sequence", "type", "occurred_at", "payload")
    VALUES (${event.orderId}, ${sequence}, ${event.type}, ${event.occurredAt}, ${event.payload})`;
}

/**
 * In which order the feed reads the outbox, and which committed events it may serve now: a row
 * that is still being written must never turn up later before one already served. On SQLite
 * writers take turns, so positions commit in order: every committed row may be served, in position
 * order. On PostgreSQL positions are taken from a sequence and commit out of order, so rows are
 * read in (transaction_id, position) order and only those of transactions older than every
 * transaction still running are served: a row that commits later has a greater transaction id.
 * (Its index is partial, transaction_id > 0, so that it stays empty on SQLite; the condition lets
 * PostgreSQL use it.) Chosen once, in the composition root.
 */
export interface FeedOrder {
  /** An SQL condition on an "order_events" row: true when it may be served. */
  visible(): Prisma.Sql;
  /** The ORDER BY terms. */
  order(): Prisma.Sql;
  /** An SQL condition: the row comes after the event at `position`. */
  after(position: number): Prisma.Sql;
}

export const positionOrder: FeedOrder = {
  visible: () => Prisma.sql`1 = 1`,
  order: () => Prisma.sql`"position"`,
  after: (position) => Prisma.sql`"position" > ${position}`,
};

export const transactionOrder: FeedOrder = {
  visible: () => Prisma.sql`"transaction_id" > 0 AND "transaction_id" < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`,
  order: () => Prisma.sql`"transaction_id", "position"`,
  after: (position) =>
    Prisma.sql`("transaction_id", "position") > (SELECT "transaction_id", "position" FROM "order_events" WHERE "position" = ${position})`,
};

interface EventRow {
  position: number;
  order_id: string;
  sequence: number;
  type: string;
  occurred_at: Date;
  payload: string;
}

const COLUMNS = Prisma.sql`"position", "order_id", "sequence", "type", "occurred_at", "payload"`;
/** Orders watched by the stream, asked about in one statement, at most this many at a time. */
const ORDERS_PER_QUERY = 200;

/** The prefix of this database's event ids, made by its migration. */
export async function readEventIdPrefix(prisma: PrismaClient): Promise<string> {
  const rows = await prisma.$queryRaw<{ prefix: string }[]>`SELECT "prefix" FROM "order_event_id_prefix"`;
  const prefix = rows[0]?.prefix;
  if (rows.length !== 1 || prefix === undefined) throw new Error('order_event_id_prefix must hold exactly one row');
  return prefix;
}

/** The only code that reads the outbox or changes its rows once written. */
export class OrderEventsRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly feedOrder: FeedOrder,
    private readonly ids: EventIds,
  ) {}

  /** The position of the event `id` of this database, if it is still kept. */
  async positionOf(id: string): Promise<number | null> {
    const position = this.ids.position(id);
    if (position === null) return null;
    const rows = await this.prisma.$queryRaw<{ position: number }[]>`SELECT "position" FROM "order_events" WHERE "position" = ${position}`;
    return rows.length > 0 ? position : null;
  }

  /** The feed: up to `limit` events after the event at `after` (from the first when null), in the order they committed. */
  async page(after: number | null, limit: number): Promise<StoredOrderEvent[]> {
    const from = after === null ? Prisma.empty : Prisma.sql`AND ${this.feedOrder.after(after)}`;
    const rows = await this.prisma.$queryRaw<EventRow[]>`
      SELECT ${COLUMNS} FROM "order_events"
      WHERE ${this.feedOrder.visible()} ${from}
      ORDER BY ${this.feedOrder.order()} LIMIT ${limit}`;
    return rows.map((row) => this.toEvent(row));
  }

  /** The sequence of the order's last event; 0 when it has none. */
  async lastSequence(orderId: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ sequence: number }[]>`
      SELECT "sequence" FROM "order_events" WHERE "order_id" = ${orderId} ORDER BY "sequence" DESC LIMIT 1`;
    return Number(rows[0]?.sequence ?? 0);
  }

  /** The sequence of the event `id` if it is one of this order's. */
  async sequenceOf(orderId: string, id: string): Promise<number | null> {
    const position = this.ids.position(id);
    if (position === null) return null;
    const rows = await this.prisma.$queryRaw<{ sequence: number }[]>`
      SELECT "sequence" FROM "order_events" WHERE "position" = ${position} AND "order_id" = ${orderId}`;
    return rows[0] === undefined ? null : Number(rows[0].sequence);
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
      events.push(...rows.map((row) => this.toEvent(row)));
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
    return rows.map((row) => this.toEvent(row));
  }

  async markPublished(positions: number[], at: Date): Promise<void> {
    if (positions.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE "order_events" SET "published_at" = ${at} WHERE "position" IN (${Prisma.join(positions)}) AND "published_at" IS NULL`;
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
   * after it, so an order's sequence keeps growing whatever is pruned. Events are numbered about in
   * the order they happened, so only those before the first event that is not old yet are looked at,
   * from the oldest position on (the primary key: no index on occurred_at to keep up per event); an
   * old event numbered after a newer one (a change that waited for its turn, a replica's clock ahead)
   * waits for a later run.
   */
  prune(before: Date, options: { unpublishedToo: boolean; batch: number }): Promise<number> {
    const published = options.unpublishedToo ? Prisma.empty : Prisma.sql`AND e."published_at" IS NOT NULL`;
    return this.prisma.$executeRaw`
      DELETE FROM "order_events" WHERE "position" IN (
        SELECT e."position" FROM "order_events" AS e
        WHERE e."position" < COALESCE(
            (SELECT "position" FROM "order_events" WHERE "occurred_at" >= ${before} ORDER BY "position" LIMIT 1),
            (SELECT MAX("position") + 1 FROM "order_events"))
          AND e."occurred_at" < ${before} ${published} AND EXISTS (
            SELECT 1 FROM "order_events" AS later WHERE later."order_id" = e."order_id" AND later."sequence" > e."sequence")
        ORDER BY e."position" LIMIT ${options.batch})`;
  }

  private toEvent(row: EventRow): StoredOrderEvent {
    const position = Number(row.position);
    return {
      id: this.ids.id(position),
      position,
      orderId: row.order_id,
      sequence: Number(row.sequence),
      type: row.type as OrderEventType,
      occurredAt: row.occurred_at instanceof Date ? row.occurred_at : new Date(row.occurred_at),
      payload: row.payload,
    };
  }
}
