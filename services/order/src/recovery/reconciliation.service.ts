import { randomUUID } from 'node:crypto';
import type { Logger } from '@order-system/platform';
import type { OrderCompensation } from '../orders/compensation/order-compensation.js';
import { fencedWrite, SupersededError } from '../orders/concurrency/fenced-write.js';
import type { Lease, OrderLeases } from '../orders/concurrency/order-leases.js';
import type { Order } from '../orders/domain/order.js';
import { saysNotCharged } from '../orders/domain/order-failures.js';
import { moves } from '../orders/domain/order-state.js';
import type { OrdersRepository } from '../orders/orders.repository.js';
import type { ListedPayment, PaymentPort } from '../upstream/payment.client.js';
import type { RequestContext } from '../upstream/upstream-client.js';
import type { CursorName, ReconciliationCursorsRepository } from './reconciliation-cursors.repository.js';

/** Rows asked for at once, on either side. */
const PAGE_SIZE = 100;
/** Pages one pass reads at most on each side; the cursor keeps the place for the next pass. */
const MAX_PAGES = 1000;
/**
 * Each pass looks this far back before its cursor again, so that a row stamped a little before it was
 * committed is not missed: a writer takes its timestamp before it waits for a database connection (up
 * to DATABASE_WAIT_MS, 10 s by default) and a transaction may be left idle up to 5 s before PostgreSQL
 * ends it; replicas' clocks may differ a little too. Reading a row twice is harmless.
 */
const OVERLAP_MS = 30_000;
/** Where a first pass starts, with no cursor yet. */
const FIRST_LOOKBACK_MS = 60 * 60 * 1000;
/** Payment statuses that mean the order was charged. */
const CHARGED = new Set(['COMPLETED', 'REFUNDED']);

export interface ReconciliationReport {
  /** Payments and cancelled orders looked at. */
  checked: number;
  /** Charges of cancelled orders found and refunded (or owed, the refund not confirmed yet). */
  refunded: number;
}

interface Row {
  key: string;
  at: Date;
  /** The order's payment, when the order is cancelled and the payment was charged. */
  charged: ListedPayment | null;
}

type Outcome = 'refunded' | 'fine' | 'held';

/**
 * Belt and braces: finds any charged payment of a CANCELLED order, whatever its cause (a worker that
 * charged after being taken over, a bug not found yet), refunds it if it is still COMPLETED, and makes
 * the order's reason true (never "not charged" of a charged order) with a history entry. It looks from
 * both sides, each from a cursor kept in the database: payments changed since it last looked (asked of
 * the payment service) whose order is cancelled, and orders cancelled (or changed) since it last looked
 * whose payment was charged. An order is handled holding its lease, so it never acts beside a
 * cancellation or the recovery job; one that is held is left for the next pass (the cursor stays before it).
 */
export class ReconciliationService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly cursors: ReconciliationCursorsRepository,
    private readonly leases: OrderLeases,
    private readonly payments: PaymentPort,
    private readonly compensation: OrderCompensation,
    private readonly logger: Logger,
  ) {}

  async runOnce(): Promise<ReconciliationReport> {
    const requestId = `reconciliation-${randomUUID()}`;
    const ctx: RequestContext = { requestId, log: this.logger.child({ request_id: requestId }) };
    const report: ReconciliationReport = { checked: 0, refunded: 0 };
    await this.sweep(
      'payments',
      report,
      async (after, offset) => {
        const page = await this.payments.list({ updatedAfter: after, limit: PAGE_SIZE, offset }, ctx);
        const cancelled = new Set(await this.orders.findCancelledAmong(page.map((payment) => payment.order_id)));
        return page.map((payment) => ({
          key: payment.id,
          at: new Date(payment.updated_at),
          charged: cancelled.has(payment.order_id) && CHARGED.has(payment.status) ? payment : null,
        }));
      },
      ctx,
    );
    await this.sweep(
      'cancelled_orders',
      report,
      async (after, offset) => {
        const page = await this.orders.findCancelledSince(after, PAGE_SIZE, offset);
        const paid = page.length === 0 ? [] : await this.payments.list({ orderIds: page.map((order) => order.id), limit: PAGE_SIZE }, ctx);
        const byOrder = new Map(paid.filter((payment) => CHARGED.has(payment.status)).map((payment) => [payment.order_id, payment]));
        return page.map((order) => ({ key: order.id, at: order.updatedAt, charged: byOrder.get(order.id) ?? null }));
      },
      ctx,
    );
    return report;
  }

  /**
   * Reads pages after the cursor (less the overlap), oldest first, handling each charge found on a
   * cancelled order, then moves the cursor to the newest row read, or to just before the first row
   * that could not be handled (its order was held), so that the next pass sees it again.
   */
  private async sweep(
    name: CursorName,
    report: ReconciliationReport,
    readPage: (after: Date, offset: number) => Promise<Row[]>,
    ctx: RequestContext,
  ): Promise<void> {
    const cursor = (await this.cursors.get(name)) ?? new Date(Date.now() - FIRST_LOOKBACK_MS);
    let after = new Date(cursor.getTime() - OVERLAP_MS);
    let offset = 0;
    let reached = cursor;
    let stopAt: Date | null = null;
    const seen = new Set<string>();
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await readPage(after, offset);
      const rows = page.filter((row) => !seen.has(row.key));
      if (page.length === 0) break;
      for (const row of rows) {
        seen.add(row.key);
        report.checked += 1;
        if (row.at > reached) reached = row.at;
        if (!row.charged) continue;
        const outcome = await this.reconcile(row.charged, ctx);
        if (outcome === 'refunded') report.refunded += 1;
        if (outcome === 'held' && (stopAt === null || row.at < stopAt)) stopAt = row.at;
      }
      if (page.length < PAGE_SIZE) break;
      // Keyset paging on the time, one millisecond back so that rows of the same instant are not
      // skipped (those already seen are filtered out); a full page of one instant, all seen already,
      // is paged through by offset instead.
      const last = page.at(-1)?.at.getTime() ?? after.getTime();
      if (rows.length === 0 || last - 1 <= after.getTime()) {
        offset += PAGE_SIZE;
      } else {
        after = new Date(last - 1);
        offset = 0;
      }
    }
    const position = stopAt ? new Date(Math.min(reached.getTime(), stopAt.getTime() - 1)) : reached;
    if (position > cursor) await this.cursors.advance(name, position);
  }

  /** Holding the order: refunds a charge of a (still) CANCELLED order, and makes its reason true. */
  private async reconcile(payment: ListedPayment, ctx: RequestContext): Promise<Outcome> {
    const outcome = await this.leases.hold(
      payment.order_id,
      'recovery',
      async (lease): Promise<Outcome> => {
        const order = await this.orders.findById(payment.order_id);
        // Not cancelled, or its refund recorded already (the listing was read a moment before it).
        if (order?.status !== 'CANCELLED') return 'fine';
        if (order.paymentState === 'REFUNDED' && !saysNotCharged(order.cancellationReason)) return 'fine';
        try {
          return await (payment.status === 'COMPLETED' && order.paymentState !== 'REFUNDED'
            ? this.refundLateCharge(order, payment, lease, ctx)
            : this.correctReason(order, payment, lease, ctx));
        } catch (err) {
          if (err instanceof SupersededError) return 'held';
          throw err;
        }
      },
      { wait: false },
    );
    return outcome.held ? outcome.value : 'held';
  }

  /**
   * A COMPLETED payment of a cancelled order. A refund owed anyway (a cancelled PAID order whose refund
   * failed) goes the usual way, the reason unchanged. Otherwise the order said it was not charged: the
   * refund is recorded as owed and the reason corrected first, then the refund is made, so that a stall
   * in between leaves the refund to the recovery job and the reason already true.
   */
  private async refundLateCharge(order: Order, payment: ListedPayment, lease: Lease, ctx: RequestContext): Promise<Outcome> {
    let owed = order;
    if (order.paymentState !== 'REFUND_PENDING' || saysNotCharged(order.cancellationReason)) {
      ctx.log.error(
        { order_id: order.id, payment_id: payment.id, amount: payment.amount, reason: order.cancellationReason },
        'a cancelled order was charged; refunding it',
      );
      owed = await fencedWrite(this.orders, order, moves.lateChargeFound(order, payment.id), lease);
    }
    const settled = await this.compensation.settle(owed, lease, ctx);
    return settled.paymentState === 'REFUNDED' || settled.paymentState === 'REFUND_PENDING' ? 'refunded' : 'fine';
  }

  /** A REFUNDED payment of a cancelled order whose reason still says "not charged": the reason is corrected. */
  private async correctReason(order: Order, payment: ListedPayment, lease: Lease, ctx: RequestContext): Promise<Outcome> {
    if (!saysNotCharged(order.cancellationReason)) return 'fine';
    ctx.log.error(
      { order_id: order.id, payment_id: payment.id },
      'a cancelled order said "not charged" of a refunded charge; reason corrected',
    );
    await fencedWrite(this.orders, order, moves.lateChargeRefunded(order, payment.id), lease);
    return 'fine';
  }
}
