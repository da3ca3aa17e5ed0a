import { randomUUID } from 'node:crypto';
import type { PaymentListQuery, PaymentStatus } from '@order-system/contracts';
import type { Payment, Prisma, PrismaClient } from '../generated/prisma/client.js';

/**
 * created: the order's first payment. retried: its FAILED payment, processed again in place.
 * already_completed: COMPLETED with this amount, nothing charged. amount_mismatch, refunded, voided: refused.
 */
export interface ChargeOutcome {
  kind: 'created' | 'retried' | 'already_completed' | 'amount_mismatch' | 'refunded' | 'voided';
  payment: Payment;
}

export type RefundOutcome = { kind: 'refunded' | 'already_refunded' | 'not_refundable'; payment: Payment } | { kind: 'not_found' };

/**
 * voided: sealed now, a tombstone stored (no payment) or a FAILED one turned VOIDED; already_voided:
 * sealed before. completed, refunded: the order was charged, nothing changed.
 */
export interface VoidOutcome {
  kind: 'voided' | 'already_voided' | 'completed' | 'refunded';
  payment: Payment;
  /** The status before this void; null when there was no payment. */
  previous: PaymentStatus | null;
}

/** The amount of a tombstone: nothing was charged. */
const TOMBSTONE_AMOUNT_CENTS = 0;

/**
 * Thrown inside a transaction when a conditional write found the payment changed since it was read:
 * another request wrote it first. Never leaves this module.
 */
class LostRace extends Error {}

/** A race is lost at most once per concurrent writer; this many tries is far beyond what one order sees. */
const MAX_TRIES = 10;

/**
 * Runs a read-then-write transaction again when it lost a race: on PostgreSQL, where transactions
 * of other requests and replicas run at the same time, the first write wins (an update conditional
 * on the status read) and the loser reads the winner's row on its next try, so it answers as a
 * repeat. (On SQLite the transactions are serialized and never lose.) The unique order_id is never
 * raced for inside them: the first payment of an order is one insert-or-nothing (insertFirst).
 */
async function untilWon<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof LostRace) || tries >= MAX_TRIES) throw err;
    }
  }
}

/** Moves the payment from `from` to `data`, only if it still is `from`; otherwise the race is lost. */
async function updateIfStill(tx: Prisma.TransactionClient, orderId: string, from: PaymentStatus, data: Prisma.PaymentUpdateInput) {
  const { count } = await tx.payment.updateMany({ where: { orderId, status: from }, data });
  if (count === 0) throw new LostRace();
  return tx.payment.findUniqueOrThrow({ where: { orderId } });
}

export class PaymentsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByOrderId(orderId: string): Promise<Payment | null> {
    return this.prisma.payment.findUnique({ where: { orderId } });
  }

  /**
   * A page of the payments that pass the filters, oldest update first (then by id, so pages are
   * stable); the total of those that pass them. The (updated_at, id) index serves updated_after
   * and the order; the unique order_id serves order_ids.
   */
  async list(query: PaymentListQuery): Promise<{ items: Payment[]; total: number }> {
    const where: Prisma.PaymentWhereInput = {
      ...(query.order_ids ? { orderId: { in: query.order_ids } } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.updated_after ? { updatedAt: { gt: query.updated_after } } : {}),
    };
    const [items, total] = await Promise.all([
      this.prisma.payment.findMany({ where, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], take: query.limit, skip: query.offset }),
      this.prisma.payment.count({ where }),
    ]);
    return { items, total };
  }

  /**
   * One payment per order, whatever the concurrency: order_id is unique, and a new order's payment
   * is one statement (insertFirst: this is the service's hottest write). When the order has a
   * payment already, it is read and written in one transaction (begun IMMEDIATE on SQLite, so no
   * other writer runs in between).
   */
  async charge(orderId: string, amountCents: number, status: PaymentStatus): Promise<ChargeOutcome> {
    const payment = await this.#insertFirst(orderId, amountCents, status);
    if (payment) return { kind: 'created', payment };
    // On PostgreSQL a concurrent retry of a FAILED payment, or a void, may write first: try again on its row.
    return untilWon(() => this.#chargeExisting(orderId, amountCents, status));
  }

  #chargeExisting(orderId: string, amountCents: number, status: PaymentStatus): Promise<ChargeOutcome> {
    return this.prisma.$transaction(async (tx): Promise<ChargeOutcome> => {
      const existing = await tx.payment.findUniqueOrThrow({ where: { orderId } });
      switch (existing.status as PaymentStatus) {
        case 'FAILED': {
          // A declined charge took no money, so it may be tried again, with any amount.
          const payment = await updateIfStill(tx, orderId, 'FAILED', { amountCents, status });
          return { kind: 'retried', payment };
        }
        case 'REFUNDED':
          return { kind: 'refunded', payment: existing };
        case 'VOIDED':
          // Sealed by the order service before anything was charged: a charge arriving late is refused.
          return { kind: 'voided', payment: existing };
        case 'COMPLETED':
          return { kind: existing.amountCents === amountCents ? 'already_completed' : 'amount_mismatch', payment: existing };
        default:
          throw new Error(`payment ${existing.id} has an unknown status ${existing.status}`);
      }
    });
  }

  /** COMPLETED -> REFUNDED exactly once; the same read-and-write transaction as charge. */
  refund(orderId: string): Promise<RefundOutcome> {
    return untilWon(() => this.#refund(orderId));
  }

  #refund(orderId: string): Promise<RefundOutcome> {
    return this.prisma.$transaction(async (tx): Promise<RefundOutcome> => {
      const existing = await tx.payment.findUnique({ where: { orderId } });
      if (!existing) return { kind: 'not_found' };
      switch (existing.status as PaymentStatus) {
        case 'REFUNDED':
          return { kind: 'already_refunded', payment: existing };
        case 'FAILED':
        case 'VOIDED':
          return { kind: 'not_refundable', payment: existing };
        case 'COMPLETED': {
          const payment = await updateIfStill(tx, orderId, 'COMPLETED', { status: 'REFUNDED', refundedAt: new Date() });
          return { kind: 'refunded', payment };
        }
        default:
          throw new Error(`payment ${existing.id} has an unknown status ${existing.status}`);
      }
    });
  }

  /**
   * Seals the order's payment record so that no charge can land on it afterwards: no payment ->
   * a VOIDED tombstone (amount 0); FAILED -> VOIDED in place; VOIDED stays. A COMPLETED or
   * REFUNDED payment is left as it is: the order was charged. The same read-and-write transaction
   * as charge, so a charge and a void of one order are ordered: exactly one of them wins.
   */
  async void(orderId: string): Promise<VoidOutcome> {
    // No payment yet (the usual case): the tombstone is one insert-or-nothing, like a new charge, so
    // that on PostgreSQL a charge and a void of one order race on equal terms for the unique order_id.
    const tombstone = await this.#insertFirst(orderId, TOMBSTONE_AMOUNT_CENTS, 'VOIDED');
    if (tombstone) return { kind: 'voided', payment: tombstone, previous: null };
    return untilWon(() => this.#void(orderId));
  }

  /**
   * Stores the order's first payment in one `INSERT … ON CONFLICT DO NOTHING` (atomic on its own,
   * the same on SQLite and PostgreSQL); null when the order has a payment already.
   */
  async #insertFirst(orderId: string, amountCents: number, status: PaymentStatus): Promise<Payment | null> {
    const at = new Date();
    const payment: Payment = { id: randomUUID(), orderId, amountCents, status, createdAt: at, updatedAt: at, refundedAt: null };
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO "payments" ("id", "order_id", "amount_cents", "status", "created_at", "updated_at")
      VALUES (${payment.id}, ${orderId}, ${amountCents}, ${status}, ${at}, ${at})
      ON CONFLICT ("order_id") DO NOTHING`;
    return inserted === 1 ? payment : null;
  }

  #void(orderId: string): Promise<VoidOutcome> {
    return this.prisma.$transaction(async (tx): Promise<VoidOutcome> => {
      // The insert just found a payment, and payments are never deleted.
      const existing = await tx.payment.findUniqueOrThrow({ where: { orderId } });
      const previous = existing.status as PaymentStatus;
      switch (previous) {
        case 'FAILED': {
          const payment = await updateIfStill(tx, orderId, 'FAILED', { status: 'VOIDED' });
          return { kind: 'voided', payment, previous };
        }
        case 'VOIDED':
          return { kind: 'already_voided', payment: existing, previous };
        case 'COMPLETED':
          return { kind: 'completed', payment: existing, previous };
        case 'REFUNDED':
          return { kind: 'refunded', payment: existing, previous };
        default:
          throw new Error(`payment ${existing.id} has an unknown status ${existing.status}`);
      }
    });
  }
}
