import { randomUUID } from 'node:crypto';
import type { Logger } from '@order-system/platform';
import type { OrderCompensation } from '../orders/compensation/order-compensation.js';
import { SupersededError } from '../orders/concurrency/fenced-write.js';
import type { OrderLeases } from '../orders/concurrency/order-leases.js';
import { owesRefund } from '../orders/domain/order-state.js';
import type { OrdersRepository } from '../orders/orders.repository.js';
import type { ListedPayment, PaymentPort } from '../upstream/payment.client.js';
import type { RequestContext } from '../upstream/upstream-client.js';
import type { CursorName, ReconciliationCursorsRepository } from './reconciliation-cursors.repository.js';

/** Rows asked for at once, on either side. */
const PAGE_SIZE = 100;
/** Pages one pass reads at most on each side; the cursor keeps the place for the next pass. */
const MAX_PAGES = 100;
/**
 * Each pass looks this far back before its cursor again: rows written with a clock a little behind
 * (another replica's) or committed a little late are not missed.
 */
const OVERLAP_MS = 5000;
/** Where a first pass starts, with no cursor yet. */
const FIRST_LOOKBACK_MS = 60 * 60 * 1000;

export interface ReconciliationReport {
  /** COMPLETED payments and CANCELLED orders looked at. */
  checked: number;
  /** Charges of cancelled orders refunded. */
  refunded: number;
}

/**
 * Belt and braces: finds any COMPLETED payment of a CANCELLED order, whatever its cause (a worker
 * that charged after being taken over, a bug not found yet), and refunds it, recording a true reason
 * and a history entry. It looks from both sides, each from a cursor kept in the database: payments
 * that completed since it last looked (asked of the payment service) whose order is cancelled, and
 * orders cancelled since it last looked whose payment is completed. An order is handled holding its
 * lease, so it never acts beside a cancellation or the recovery job; one that is held is left for
 * the next pass (the cursor stays before it).
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
      async (after) => {
        const page = await this.payments.list({ status: 'COMPLETED', updatedAfter: after, limit: PAGE_SIZE }, ctx);
        const cancelled = new Set(await this.orders.findCancelledAmong(page.map((payment) => payment.order_id)));
        return page.map((payment) => ({
          key: payment.id,
          at: new Date(payment.updated_at),
          charged: cancelled.has(payment.order_id) ? payment : null,
        }));
      },
      ctx,
    );
    await this.sweep(
      'cancelled_orders',
      report,
      async (after) => {
        const page = await this.orders.findCancelledSince(after, PAGE_SIZE);
        const completed =
          page.length === 0
            ? []
            : await this.payments.list({ orderIds: page.map((order) => order.id), status: 'COMPLETED', limit: PAGE_SIZE }, ctx);
        const byOrder = new Map(completed.map((payment) => [payment.order_id, payment]));
        return page.map((order) => ({ key: order.id, at: order.updatedAt, charged: byOrder.get(order.id) ?? null }));
      },
      ctx,
    );
    return report;
  }

  /**
   * Reads pages after the cursor (less the overlap), oldest first, refunding each charge found on a
   * cancelled order, then moves the cursor to the newest row read, or to just before the first row
   * that could not be handled (its order was held), so that the next pass sees it again.
   */
  private async sweep(
    name: CursorName,
    report: ReconciliationReport,
    readPage: (after: Date) => Promise<{ key: string; at: Date; charged: ListedPayment | null }[]>,
    ctx: RequestContext,
  ): Promise<void> {
    const cursor = (await this.cursors.get(name)) ?? new Date(Date.now() - FIRST_LOOKBACK_MS);
    let after = new Date(cursor.getTime() - OVERLAP_MS);
    let reached = cursor;
    let stopAt: Date | null = null;
    const seen = new Set<string>();
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const rows = (await readPage(after)).filter((row) => !seen.has(row.key));
      if (rows.length === 0) break;
      for (const row of rows) {
        seen.add(row.key);
        report.checked += 1;
        if (row.at > reached) reached = row.at;
        if (!row.charged) continue;
        const outcome = await this.refundIfCancelled(row.charged, ctx);
        if (outcome === 'refunded') report.refunded += 1;
        if (outcome === 'held' && (stopAt === null || row.at < stopAt)) stopAt = row.at;
      }
      // Keyset paging on the time, one millisecond back so that rows of the same instant are not
      // skipped (those already seen are filtered out).
      after = new Date((rows.at(-1)?.at.getTime() ?? after.getTime()) - 1);
    }
    const position = stopAt ? new Date(Math.min(reached.getTime(), stopAt.getTime() - 1)) : reached;
    if (position > cursor) await this.cursors.advance(name, position);
  }

  /** Refunds the payment if its order is (still) CANCELLED, holding the order. */
  private async refundIfCancelled(payment: ListedPayment, ctx: RequestContext): Promise<'refunded' | 'fine' | 'held'> {
    const outcome = await this.leases.hold(
      payment.order_id,
      'recovery',
      async (lease) => {
        const order = await this.orders.findById(payment.order_id);
        // Not cancelled, or its refund recorded already (the listing was read a moment before it).
        if (order?.status !== 'CANCELLED' || order.paymentState === 'REFUNDED') return 'fine' as const;
        try {
          // A refund owed already (a cancelled PAID order whose refund failed): the usual way, reason unchanged.
          if (owesRefund(order)) {
            await this.compensation.settle(order, lease, ctx);
            return 'refunded' as const;
          }
          const refund = await this.payments.refund(order.id, order.cancellationReason ?? 'Order cancelled', ctx);
          if (refund.kind !== 'refunded') return 'fine' as const;
          await this.compensation.recordLateChargeRefunded(order, refund.payment, lease, ctx);
          return 'refunded' as const;
        } catch (err) {
          if (err instanceof SupersededError) return 'held' as const;
          throw err;
        }
      },
      { wait: false },
    );
    return outcome.held ? outcome.value : 'held';
  }
}
