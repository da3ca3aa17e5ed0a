import { ConflictError, isUniqueViolation } from '@order-system/platform';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import {
  type OrderItemRecord,
  type OrderLine,
  type OrderRecord,
  type OrderStatus,
  type PaymentState,
  REFUND_OWED,
  type ReservationState,
  STOCK_MAY_BE_HELD,
  type StatusChangeRecord,
} from './order.types.js';

const withDetails = {
  items: { orderBy: { id: 'asc' } },
  history: { orderBy: { id: 'asc' } },
} satisfies Prisma.OrderInclude;

/**
 * An order was to be written under an id that another request has used already: the handover of
 * an Idempotency-Key between replicas, when the first request turned out to be alive. The answer
 * is that order, as it is.
 */
export class OrderExistsError extends Error {
  override name = 'OrderExistsError';
  constructor(readonly order: OrderRecord) {
    super(`Order ${order.id} exists already`);
  }
}

export interface NewOrder {
  id: string;
  customerName: string;
  userId: string | null;
  /** Who placed it: the user id, or 'system' for an anonymous order. */
  placedBy: string;
  lines: OrderLine[];
}

export interface OrderFilter {
  userId?: string;
  status?: OrderStatus;
}

/** Workflow progress that is not a status change. */
export interface OrderProgress {
  reservationState?: ReservationState;
  paymentState?: PaymentState;
  paymentId?: string;
}

export interface StatusChange {
  from: OrderStatus;
  to: OrderStatus;
  by: string;
  reason: string | null;
  cancellationReason?: string;
  progress?: OrderProgress;
}

/** The price snapshot of each line and the total, as the reservation answered them. */
export interface Pricing {
  items: OrderItemRecord[];
  totalCents: number;
}

/** Each progress field's column, as an SQL fragment made once (the workflow writes progress on every order). */
const PROGRESS_COLUMNS = {
  reservationState: Prisma.raw('"reservation_state"'),
  paymentState: Prisma.raw('"payment_state"'),
  paymentId: Prisma.raw('"payment_id"'),
} as const;

/**
 * The only code that touches the order tables. Every write is one short transaction and no HTTP
 * call ever runs inside one (the SQLite adapter serializes all queries of the service).
 *
 * The writes of the create-order workflow are its hottest statements, so they are plain SQL (the
 * same on SQLite and PostgreSQL), each status change a single statement, and never read the order back: each takes the order as the caller
 * holds it and returns it as it now is in the database. That is exact because every writer of an
 * order holds it (InFlightOrders) and status changes are conditional on the status read.
 */
export class OrdersRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findById(id: string): Promise<OrderRecord | null> {
    return this.prisma.order.findUnique({ where: { id }, include: withDetails });
  }

  /** One page of the orders that match, newest first (ties broken by id), and how many match in all. */
  async findPage(filter: OrderFilter, page: { limit: number; offset: number }): Promise<{ items: OrderRecord[]; total: number }> {
    const where: Prisma.OrderWhereInput = {
      ...(filter.userId === undefined ? {} : { userId: filter.userId }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
    };
    // One transaction, so the page and the total describe the same moment.
    const [items, total] = await this.prisma.$transaction([
      this.prisma.order.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: page.offset,
        take: page.limit,
        include: withDetails,
      }),
      this.prisma.order.count({ where }),
    ]);
    return { items, total };
  }

  /**
   * The ids of the orders the recovery job must look at, oldest first: PENDING orders created
   * before `pendingBefore`, and CANCELLED orders that may still hold a payment or stock.
   */
  async findIdsForRecovery(pendingBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.order.findMany({
      where: {
        OR: [
          { status: 'PENDING', createdAt: { lt: pendingBefore } },
          {
            status: 'CANCELLED',
            OR: [{ reservationState: { in: [...STOCK_MAY_BE_HELD] } }, { paymentState: { in: [...REFUND_OWED] } }],
          },
        ],
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /**
   * The order as PENDING with the requested items (no prices yet), in one transaction, with its
   * reservation marked REQUESTED: it is written just before the reservation is sent, so a crash from
   * here on leaves stock to release. Its first history row (null -> PENDING) is the database's
   * (a trigger appends one for every order's first status and every change of it). An order of that
   * id written already (another request's) is an OrderExistsError carrying it.
   */
  async createPending(order: NewOrder): Promise<OrderRecord> {
    const at = new Date();
    const record: OrderRecord = {
      id: order.id,
      customerName: order.customerName,
      userId: order.userId,
      status: 'PENDING',
      totalCents: null,
      cancellationReason: null,
      reservationState: 'REQUESTED',
      paymentState: 'NONE',
      paymentId: null,
      statusChangedBy: order.placedBy,
      statusReason: null,
      createdAt: at,
      updatedAt: at,
      items: order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity, name: null, unitPriceCents: null })),
      history: [{ fromStatus: null, toStatus: 'PENDING', at, by: order.placedBy, reason: null }],
    };
    const items = record.items.map(
      (item) => Prisma.sql`(${record.id}, ${item.productId}, ${item.name}, ${item.unitPriceCents}, ${item.quantity})`,
    );
    try {
      await this.prisma.$transaction([
        this.prisma.$executeRaw`
        INSERT INTO "orders" ("id", "customer_name", "user_id", "status", "total_cents", "cancellation_reason",
          "reservation_state", "payment_state", "payment_id", "status_changed_by", "status_reason", "created_at", "updated_at")
        VALUES (${record.id}, ${record.customerName}, ${record.userId}, ${record.status}, ${record.totalCents}, ${record.cancellationReason},
          ${record.reservationState}, ${record.paymentState}, ${record.paymentId}, ${record.statusChangedBy}, ${record.statusReason}, ${at}, ${at})`,
        this.prisma.$executeRaw`
        INSERT INTO "order_items" ("order_id", "product_id", "name", "unit_price_cents", "quantity") VALUES ${Prisma.join(items)}`,
      ]);
    } catch (err) {
      const existing = isUniqueViolation(err) ? await this.findById(order.id) : null;
      throw existing ? new OrderExistsError(existing) : err;
    }
    return record;
  }

  /**
   * The price snapshot of every item and the order's total, with `progress` (the reservation
   * confirmed, the charge about to be sent), in one transaction: recorded before the charge.
   */
  async recordPricing(order: OrderRecord, pricing: Pricing, progress: OrderProgress): Promise<OrderRecord> {
    const at = new Date();
    const byProduct = new Map(pricing.items.map((item) => [item.productId, item]));
    const items = order.items.map((item) => {
      const priced = byProduct.get(item.productId);
      return { ...item, name: priced?.name ?? item.name, unitPriceCents: priced?.unitPriceCents ?? item.unitPriceCents };
    });
    const names = items.map((item) => Prisma.sql`WHEN ${item.productId} THEN CAST(${item.name} AS TEXT)`);
    const prices = items.map((item) => Prisma.sql`WHEN ${item.productId} THEN CAST(${item.unitPriceCents} AS INTEGER)`);
    await this.prisma.$transaction([
      this.prisma.$executeRaw`
        UPDATE "orders" SET "total_cents" = ${pricing.totalCents}, ${progressAssignments(progress, at)} WHERE "id" = ${order.id}`,
      this.prisma.$executeRaw`
        UPDATE "order_items" SET
          "name" = CASE "product_id" ${Prisma.join(names, ' ')} ELSE "name" END,
          "unit_price_cents" = CASE "product_id" ${Prisma.join(prices, ' ')} ELSE "unit_price_cents" END
        WHERE "order_id" = ${order.id}`,
    ]);
    return { ...order, ...progress, totalCents: pricing.totalCents, items, updatedAt: at };
  }

  async recordProgress(order: OrderRecord, progress: OrderProgress): Promise<OrderRecord> {
    const at = new Date();
    await this.prisma.$executeRaw`UPDATE "orders" SET ${progressAssignments(progress, at)} WHERE "id" = ${order.id}`;
    return { ...order, ...progress, updatedAt: at };
  }

  /**
   * Moves the order from `change.from` to `change.to`: one statement, conditional on the current
   * status, so two writers cannot both move the same order (the loser gets a 409); the history row is
   * appended by the database in the same statement (a trigger), with `by` and `reason`.
   */
  async transition(order: OrderRecord, change: StatusChange): Promise<OrderRecord> {
    const at = new Date();
    const row: StatusChangeRecord = { fromStatus: change.from, toStatus: change.to, at, by: change.by, reason: change.reason };
    const reason =
      change.cancellationReason === undefined ? Prisma.empty : Prisma.sql`, "cancellation_reason" = ${change.cancellationReason}`;
    const count = await this.prisma.$executeRaw`
      UPDATE "orders" SET "status" = ${change.to}, "status_changed_by" = ${change.by}, "status_reason" = ${change.reason}${reason},
        ${progressAssignments(change.progress ?? {}, at)}
      WHERE "id" = ${order.id} AND "status" = ${change.from}`;
    if (count === 0) throw new ConflictError('order_status_changed', `Order ${order.id} is no longer ${change.from}`);
    return {
      ...order,
      ...change.progress,
      status: change.to,
      statusChangedBy: change.by,
      statusReason: change.reason,
      cancellationReason: change.cancellationReason ?? order.cancellationReason,
      updatedAt: at,
      history: [...order.history, row],
    };
  }
}

/** `"reservation_state" = …, …, "updated_at" = at` for the fields of `progress` that are set. */
function progressAssignments(progress: OrderProgress, at: Date): Prisma.Sql {
  const assignments = Object.entries(PROGRESS_COLUMNS)
    .filter(([field]) => progress[field as keyof OrderProgress] !== undefined)
    .map(([field, column]) => Prisma.sql`${column} = ${progress[field as keyof OrderProgress]}`);
  return Prisma.join([...assignments, Prisma.sql`"updated_at" = ${at}`], ', ');
}
