import { isUniqueViolation, runStatements, type TransactionStep } from '@order-system/platform';
import { changeEvents, creationEvent } from '../events/order-event.js';
import { insertOrderEvent } from '../events/order-events.repository.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { LeaseClock } from './concurrency/lease-clock.js';
import type { Order, OrderLine, OrderStatus, OrderWork, ShippingAddress } from './domain/order.js';
import type { FailureCode } from './domain/order-failures.js';
import { applied, type OrderChange } from './domain/order-state.js';

const withDetails = {
  items: { orderBy: { id: 'asc' } },
  history: { orderBy: { id: 'asc' } },
} satisfies Prisma.OrderInclude;

type OrderRow = Prisma.OrderGetPayload<{ include: typeof withDetails }>;

export interface NewOrder {
  id: string;
  customerName: string;
  userId: string | null;
  /** Who placed it: the user id, or 'system' for an anonymous order. */
  placedBy: string;
  lines: OrderLine[];
  shippingAddress?: ShippingAddress | null;
}

/**
 * A statement written with the order's insert, in the same transaction, that must change exactly one
 * row for the order to be written at all (a cart checkout claims its cart for the order).
 */
export type CreateCondition = Prisma.Sql;

/** Statements of other tables that go with an order's PAID, in its transaction (the cart checked out as the order is emptied). */
export type PaidFollowUps = (orderId: string) => Prisma.Sql[];

/** Where a recovery pass stopped in the oldest-first list of orders to recover. */
export interface RecoveryPosition {
  id: string;
  createdAt: Date;
}

/** The lease a worker writes under: its writes apply only while the order's lease is still this token. */
export interface Fence {
  orderId: string;
  token: string;
}

export interface OrderFilter {
  userId?: string;
  status?: OrderStatus;
}

/** refused: the create's condition did not apply, and nothing was written. */
export type CreateOutcome = { kind: 'created'; order: Order } | { kind: 'exists'; order: Order } | { kind: 'refused' };

export interface WriteOptions {
  /** Applied only while the order's lease is this worker's. */
  fence?: Fence;
  /** The worker's last write: the lease is given up in the same statement. */
  releaseLease?: boolean;
  /**
   * Statements of another table that go with the change (emptying the customer's cart with the
   * order's PAID, say): run in the same transaction, and only if the change applied.
   */
  alongside?: Prisma.Sql[];
}

/** Each progress column of the orders table, as an SQL fragment made once (the workflow writes some on every order). */
const COLUMN = {
  status: Prisma.raw('"status"'),
  statusChangedBy: Prisma.raw('"status_changed_by"'),
  statusReason: Prisma.raw('"status_reason"'),
  cancellationReason: Prisma.raw('"cancellation_reason"'),
  failureCode: Prisma.raw('"failure_code"'),
  reservationState: Prisma.raw('"reservation_state"'),
  paymentState: Prisma.raw('"payment_state"'),
  paymentId: Prisma.raw('"payment_id"'),
  totalCents: Prisma.raw('"total_cents"'),
  carrier: Prisma.raw('"carrier"'),
  trackingNumber: Prisma.raw('"tracking_number"'),
};
const RELEASE_LEASE = Prisma.sql`"lease_token" = NULL, "lease_work" = NULL, "lease_expires_at" = NULL`;

/**
 * The only code that touches the order tables' rows (the lease columns have their own repository,
 * concurrency/order-leases.repository.ts). No HTTP call ever runs inside one of its transactions.
 *
 * The writes of the create-order workflow are its hottest statements, so they are plain SQL (the
 * same on SQLite and PostgreSQL), each change of the state machine one conditional update and what
 * goes with it (the price snapshots, its events) in one transaction of runStatements, and never read
 * the order back: each takes the order as the caller holds it and returns it as it now is. The
 * status history is the database's: a trigger appends an entry for every order's first status and
 * every change of it, in the same statement.
 */
export class OrdersRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: LeaseClock,
  ) {}

  async findById(id: string): Promise<Order | null> {
    const row = await this.prisma.order.findUnique({ where: { id }, include: withDetails });
    return row ? toOrder(row) : null;
  }

  /** One page of the orders that match, newest first (ties broken by id), and how many match in all. */
  async findPage(filter: OrderFilter, page: { limit: number; offset: number }): Promise<{ items: Order[]; total: number }> {
    const where: Prisma.OrderWhereInput = {
      ...(filter.userId === undefined ? {} : { userId: filter.userId }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
    };
    // One transaction: on SQLite the page and the total describe the same moment; on PostgreSQL (read
    // committed) an order written between the two statements may be counted and not listed, or listed
    // and not counted: X-Total-Count is a count, not a promise about the pages.
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.order.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: page.offset,
        take: page.limit,
        include: withDetails,
      }),
      this.prisma.order.count({ where }),
    ]);
    return { items: rows.map(toOrder), total };
  }

  /**
   * The orders the recovery job must look at, oldest first (after `after`, when given): PENDING
   * orders created before `pendingBefore`, and CANCELLED orders that may still hold a payment or stock.
   */
  async findIdsForRecovery(pendingBefore: Date, limit: number, after?: RecoveryPosition): Promise<RecoveryPosition[]> {
    const rows = await this.prisma.order.findMany({
      where: {
        ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
        AND: {
          OR: [
            { status: 'PENDING', createdAt: { lt: pendingBefore } },
            {
              status: 'CANCELLED',
              OR: [
                { reservationState: { in: ['REQUESTED', 'ACTIVE', 'RELEASE_FAILED'] } },
                { paymentState: { in: ['REFUND_PENDING', 'COMPLETED', 'REQUESTED', 'UNKNOWN'] } },
              ],
            },
          ],
        },
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true, createdAt: true },
    });
    return rows;
  }

  /** Of these orders, the ids of those that are CANCELLED. */
  async findCancelledAmong(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.order.findMany({ where: { id: { in: ids }, status: 'CANCELLED' }, select: { id: true } });
    return rows.map((row) => row.id);
  }

  /**
   * CANCELLED orders changed after `after`, oldest change first (then by id): a page of (id,
   * updated_at). The status is written into the SQL, so that both databases use the partial index of
   * cancelled orders.
   */
  async findCancelledSince(after: Date, limit: number, offset = 0): Promise<{ id: string; updatedAt: Date }[]> {
    const rows = await this.prisma.$queryRaw<{ id: string; updated_at: Date | string }[]>`
      SELECT "id", "updated_at" FROM "orders" WHERE "status" = 'CANCELLED' AND "updated_at" > ${after}
      ORDER BY "updated_at", "id" LIMIT ${limit} OFFSET ${offset}`;
    return rows.map((row) => ({ id: row.id, updatedAt: row.updated_at instanceof Date ? row.updated_at : new Date(row.updated_at) }));
  }

  /**
   * The order as PENDING with the requested items (no prices yet), its reservation marked REQUESTED
   * (it is written just before the reservation is sent, so a crash from here on leaves stock to
   * release), held by the creating workflow under `lease` for `leaseMs`, with its order.created
   * event: in one transaction. An order of that id written already (another request's, under the
   * same Idempotency-Key) is answered as it is.
   * With a `condition`, it runs in the same transaction, and nothing is written unless it applies.
   */
  async create(order: NewOrder, lease: { token: string; ttlMs: number }, condition?: CreateCondition): Promise<CreateOutcome> {
    const at = new Date();
    const record: Order = {
      id: order.id,
      customerName: order.customerName,
      userId: order.userId,
      status: 'PENDING',
      totalCents: null,
      cancellationReason: null,
      failureCode: null,
      reservationState: 'REQUESTED',
      paymentState: 'NONE',
      paymentId: null,
      shippingAddress: order.shippingAddress ?? null,
      tracking: { carrier: null, trackingNumber: null },
      createdAt: at,
      updatedAt: at,
      items: order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity, name: null, unitPriceCents: null })),
      history: [{ from: null, to: 'PENDING', at, by: order.placedBy, reason: null }],
    };
    const items = record.items.map((item) => Prisma.sql`(${record.id}, ${item.productId}, ${item.quantity})`);
    const ship = record.shippingAddress;
    const steps: TransactionStep[] = [
      {
        statement: Prisma.sql`
        INSERT INTO "orders" ("id", "customer_name", "user_id", "status", "reservation_state", "payment_state", "status_changed_by",
          "shipping_name", "shipping_line1", "shipping_line2", "shipping_city", "shipping_region", "shipping_postal_code",
          "shipping_country", "created_at", "updated_at", "lease_token", "lease_work", "lease_expires_at")
        VALUES (${record.id}, ${record.customerName}, ${record.userId}, ${record.status}, ${record.reservationState},
          ${record.paymentState}, ${order.placedBy}, ${ship?.name ?? null}, ${ship?.line1 ?? null}, ${ship?.line2 ?? null},
          ${ship?.city ?? null}, ${ship?.region ?? null}, ${ship?.postalCode ?? null}, ${ship?.country ?? null}, ${at}, ${at},
          ${lease.token}, ${'workflow' satisfies OrderWork}, ${this.clock.after(lease.ttlMs)})`,
      },
      { statement: Prisma.sql`INSERT INTO "order_items" ("order_id", "product_id", "quantity") VALUES ${Prisma.join(items)}` },
      { statement: insertOrderEvent(creationEvent(record), true) },
    ];
    if (condition) steps.push({ statement: condition, mustChangeOne: true });
    try {
      const outcome = await runStatements(this.prisma, steps);
      if (outcome.kind === 'stopped') return { kind: 'refused' };
    } catch (err) {
      const existing = isUniqueViolation(err) ? await this.findById(order.id) : null;
      if (existing) return { kind: 'exists', order: existing };
      throw err;
    }
    return { kind: 'created', order: record };
  }

  /**
   * Writes one change of the state machine, conditional on the order still having the status the
   * change expects (and, with a fence, on its lease still being the writer's): the order as it now
   * is, or null when the condition no longer held (someone else changed or took the order first),
   * in which case nothing was written. The events the change makes (order.paid, order.refunded,
   * ...) are written in its transaction once the update applied, so exactly when the change is.
   */
  async apply(order: Order, change: OrderChange, options: WriteOptions = {}): Promise<Order | null> {
    const at = new Date();
    const next = applied(order, change, at);
    const update = Prisma.sql`UPDATE "orders" SET ${assignments(change, at, options.releaseLease === true)}
      WHERE "id" = ${change.orderId} AND "status" = ${change.expect}${fenced(options.fence)}`;
    // The follow-ups (price snapshots, a history entry), the statements of other tables that go
    // with the change and its events are written only if the update applied: the transaction stops
    // there otherwise.
    const events = changeEvents(order, change, next).map((event) => insertOrderEvent(event));
    const steps: TransactionStep[] = [
      { statement: update, mustChangeOne: true },
      ...[...followUps(change, at), ...(options.alongside ?? []), ...events].map((statement) => ({ statement })),
    ];
    const outcome = await runStatements(this.prisma, steps);
    return outcome.kind === 'committed' ? next : null;
  }
}

function fenced(fence: Fence | undefined): Prisma.Sql {
  return fence ? Prisma.sql` AND "lease_token" = ${fence.token}` : Prisma.empty;
}

function assignments(change: OrderChange, at: Date, releaseLease: boolean): Prisma.Sql {
  const set: Prisma.Sql[] = [];
  const assign = (column: Prisma.Sql, value: unknown) => set.push(Prisma.sql`${column} = ${value}`);
  if (change.status) {
    assign(COLUMN.status, change.status.to);
    assign(COLUMN.statusChangedBy, change.status.by);
    assign(COLUMN.statusReason, change.status.reason);
  }
  if (change.cancellation) {
    assign(COLUMN.cancellationReason, change.cancellation.message);
    assign(COLUMN.failureCode, change.cancellation.code);
  }
  if (change.reservationState) assign(COLUMN.reservationState, change.reservationState);
  if (change.paymentState) assign(COLUMN.paymentState, change.paymentState);
  if (change.paymentId !== undefined) assign(COLUMN.paymentId, change.paymentId);
  if (change.pricing) assign(COLUMN.totalCents, change.pricing.totalCents);
  if (change.tracking) {
    assign(COLUMN.carrier, change.tracking.carrier);
    assign(COLUMN.trackingNumber, change.tracking.trackingNumber);
  }
  set.push(Prisma.sql`"updated_at" = ${at}`);
  if (releaseLease) set.push(RELEASE_LEASE);
  return Prisma.join(set, ', ');
}

/** Statements that go with the update: the items' price snapshots, a history entry that is not a status change. */
function followUps(change: OrderChange, at: Date): Prisma.Sql[] {
  const sql: Prisma.Sql[] = [];
  if (change.pricing) {
    const names = change.pricing.items.map((item) => Prisma.sql`WHEN ${item.productId} THEN CAST(${item.name} AS TEXT)`);
    const prices = change.pricing.items.map((item) => Prisma.sql`WHEN ${item.productId} THEN CAST(${item.unitPriceCents} AS INTEGER)`);
    sql.push(Prisma.sql`
      UPDATE "order_items" SET
        "name" = CASE "product_id" ${Prisma.join(names, ' ')} ELSE "name" END,
        "unit_price_cents" = CASE "product_id" ${Prisma.join(prices, ' ')} ELSE "unit_price_cents" END
      WHERE "order_id" = ${change.orderId}`);
  }
  if (change.note) {
    sql.push(Prisma.sql`
      INSERT INTO "order_status_history" ("order_id", "from_status", "to_status", "at", "by", "reason")
      SELECT "id", "status", "status", ${at}, ${change.note.by}, ${change.note.reason} FROM "orders" WHERE "id" = ${change.orderId}`);
  }
  return sql;
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    customerName: row.customerName,
    userId: row.userId,
    status: row.status as Order['status'],
    totalCents: row.totalCents,
    cancellationReason: row.cancellationReason,
    failureCode: row.failureCode as FailureCode | null,
    reservationState: row.reservationState as Order['reservationState'],
    paymentState: row.paymentState as Order['paymentState'],
    paymentId: row.paymentId,
    shippingAddress: shippingAddressOf(row),
    tracking: { carrier: row.carrier, trackingNumber: row.trackingNumber },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    items: row.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      name: item.name,
      unitPriceCents: item.unitPriceCents,
    })),
    history: row.history.map((entry) => ({
      from: entry.fromStatus as Order['status'] | null,
      to: entry.toStatus as Order['status'],
      at: entry.at,
      by: entry.by,
      reason: entry.reason,
    })),
  };
}

/** The address columns are written together, so a name means an address (orders placed before addresses existed have none). */
function shippingAddressOf(row: OrderRow): ShippingAddress | null {
  if (row.shippingName === null) return null;
  return {
    name: row.shippingName,
    line1: row.shippingLine1 ?? '',
    line2: row.shippingLine2,
    city: row.shippingCity ?? '',
    region: row.shippingRegion,
    postalCode: row.shippingPostalCode ?? '',
    country: row.shippingCountry ?? '',
  };
}
