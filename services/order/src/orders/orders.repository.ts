import { ConflictError } from '@order-system/platform';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import {
  type OrderRecord,
  type OrderStatus,
  type PaymentState,
  type PricedLine,
  REFUND_OWED,
  type ReservationState,
  STOCK_MAY_BE_HELD,
} from './order.types.js';

const withDetails = {
  items: { orderBy: { id: 'asc' } },
  history: { orderBy: { id: 'asc' } },
} satisfies Prisma.OrderInclude;

export interface NewOrder {
  id: string;
  customerName: string;
  userId: string | null;
  /** Who placed it: the user id, or 'system' for an anonymous order. */
  placedBy: string;
  totalCents: number | null;
  lines: PricedLine[];
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

/**
 * Every write is one short transaction and no HTTP call ever runs inside one: the SQLite adapter
 * serializes all queries of the service behind one lock.
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

  /** The order, its items and its first history row (null -> PENDING), in one transaction. */
  createPending(order: NewOrder): Promise<OrderRecord> {
    const at = new Date();
    return this.prisma.order.create({
      data: {
        ...orderRow(order, 'PENDING', at),
        history: { create: [{ fromStatus: null, toStatus: 'PENDING', at, by: order.placedBy, reason: null }] },
      },
      include: withDetails,
    });
  }

  /**
   * An order refused before any side effect (a product unknown or not reachable): recorded at once
   * as it would have been step by step, null -> PENDING -> CANCELLED.
   */
  createCancelled(order: NewOrder, reason: string): Promise<OrderRecord> {
    const at = new Date();
    return this.prisma.order.create({
      data: {
        ...orderRow(order, 'CANCELLED', at),
        cancellationReason: reason,
        history: {
          create: [
            { fromStatus: null, toStatus: 'PENDING', at, by: order.placedBy, reason: null },
            { fromStatus: 'PENDING', toStatus: 'CANCELLED', at, by: 'system', reason },
          ],
        },
      },
      include: withDetails,
    });
  }

  async recordProgress(id: string, progress: OrderProgress): Promise<OrderRecord> {
    return this.prisma.order.update({ where: { id }, data: progress, include: withDetails });
  }

  /**
   * Moves the order from `change.from` to `change.to` and appends the history row, in one
   * transaction. The update is conditional on the current status, so two writers cannot both
   * move the same order; the loser gets a 409.
   */
  async transition(id: string, change: StatusChange): Promise<OrderRecord> {
    const at = new Date();
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.order.updateMany({
        where: { id, status: change.from },
        data: {
          status: change.to,
          updatedAt: at,
          ...(change.cancellationReason === undefined ? {} : { cancellationReason: change.cancellationReason }),
          ...change.progress,
        },
      });
      if (count === 0) throw new ConflictError('order_status_changed', `Order ${id} is no longer ${change.from}`);
      await tx.orderStatusChange.create({
        data: { orderId: id, fromStatus: change.from, toStatus: change.to, at, by: change.by, reason: change.reason },
      });
      return tx.order.findUniqueOrThrow({ where: { id }, include: withDetails });
    });
  }
}

function orderRow(order: NewOrder, status: OrderStatus, at: Date) {
  return {
    id: order.id,
    customerName: order.customerName,
    userId: order.userId,
    status,
    totalCents: order.totalCents,
    createdAt: at,
    updatedAt: at,
    items: {
      create: order.lines.map((line) => ({
        productId: line.productId,
        name: line.name,
        unitPriceCents: line.unitPriceCents,
        quantity: line.quantity,
      })),
    },
  };
}
