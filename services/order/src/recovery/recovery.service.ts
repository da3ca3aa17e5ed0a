import { randomUUID } from 'node:crypto';
import { ConflictError, formatCents, type Logger } from '@order-system/platform';
import { lookUpAndSeal } from '../orders/charge-record.js';
import type { InFlightOrders } from '../orders/in-flight-orders.js';
import { type OrderRecord, SYSTEM } from '../orders/order.types.js';
import type { OrderCompensation } from '../orders/order-compensation.js';
import type { OrderProgress, OrdersRepository } from '../orders/orders.repository.js';
import type { PaymentClient } from '../upstream/payment.client.js';
import type { CallContext } from '../upstream/upstream-client.js';

/** Reasons recorded on orders the recovery job cancels (history `reason` and `cancellation_reason`). */
export const RECOVERY_REASONS = {
  notCharged: 'Order interrupted before payment; not charged',
  paymentFailed: 'Payment failed',
  paymentRefunded: 'Payment was refunded',
  amountMismatch: 'Payment amount did not match the order total; refunded',
  stockNotConfirmed: 'Order interrupted before its stock was confirmed; refunded',
} as const;

export interface RecoveryOptions {
  /** A PENDING order is left alone until it is this old: its workflow may still be running elsewhere, or its calls arriving late. */
  graceMs: number;
  /** At most this many orders per pass; the rest wait for the next one. */
  batchSize: number;
}

/** What one pass did, for logs and tests. */
export interface RecoveryReport {
  examined: number;
  skipped: number;
}

/**
 * Contract step 6: finishes or compensates every order a crash (or an outage) left half done.
 * - PENDING, a charge sent (REQUESTED/UNKNOWN): the payment service's record decides: COMPLETED of
 *   the order's total -> PAID, keeping its stock; FAILED or none -> voided (so the charge cannot land
 *   later), then CANCELLED and the stock released; the record cannot be read or the void not
 *   confirmed -> left for the next pass.
 * - PENDING, nothing charged (NONE): CANCELLED, and any reservation released.
 * - CANCELLED with a refund owed or stock held: the refund and the release are tried again, and a
 *   charge recorded as not made is asked for a refund as well, in case it landed late.
 * Each order is handled while holding it in InFlightOrders, so neither a request nor another pass
 * acts on it at the same time; status changes are conditional on the status read, so a request
 * that got there first wins and this pass moves on. Every change is written `by: "system"`.
 */
export class RecoveryService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly payments: PaymentClient,
    private readonly compensation: OrderCompensation,
    private readonly inFlight: InFlightOrders,
    private readonly logger: Logger,
    private readonly options: RecoveryOptions,
  ) {}

  /** One pass over every order that needs it. `shouldStop` is asked between orders (the service is stopping). */
  async runOnce(shouldStop: () => boolean = () => false): Promise<RecoveryReport> {
    const pendingBefore = new Date(Date.now() - this.options.graceMs);
    const ids = await this.orders.findIdsForRecovery(pendingBefore, this.options.batchSize);
    const report: RecoveryReport = { examined: 0, skipped: 0 };
    for (const id of ids) {
      if (shouldStop()) break;
      const ctx = this.context(id);
      try {
        const outcome = await this.inFlight.tryRun(id, 'recovery', () => this.recover(id, pendingBefore, ctx));
        if (outcome === 'skipped') report.skipped += 1;
        else report.examined += 1;
      } catch (err) {
        // One order's trouble (a database error, a bug) must not stop the others from being recovered.
        ctx.log.error({ err }, 'recovery of the order failed; it is tried again in the next pass');
      }
    }
    return report;
  }

  private async recover(id: string, pendingBefore: Date, ctx: CallContext): Promise<void> {
    // Read again while holding it: a request may have moved it since the list was made.
    const order = await this.orders.findById(id);
    if (!order) return;
    if (order.status === 'PENDING' && order.createdAt < pendingBefore) await this.finishPending(order, ctx);
    // A charge sent before the cancellation may have landed late: ask for a refund of any payment.
    else if (order.status === 'CANCELLED') await this.compensation.settle(order, ctx, { recheckCharge: true });
  }

  private async finishPending(order: OrderRecord, ctx: CallContext): Promise<void> {
    switch (order.paymentState) {
      case 'NONE':
      case 'NOT_CHARGED':
        ctx.log.warn({ reservation_state: order.reservationState }, 'order interrupted before any charge; cancelling it');
        return this.cancel(order, RECOVERY_REASONS.notCharged, { paymentState: 'NOT_CHARGED' }, ctx);
      case 'FAILED':
        return this.cancel(order, RECOVERY_REASONS.paymentFailed, {}, ctx);
      default:
        return this.settleCharge(order, ctx);
    }
  }

  /**
   * A charge was sent and its outcome never recorded: the payment service's record decides. No
   * payment (or a FAILED one) is voided before the order is cancelled as not charged, so the charge
   * cannot land afterwards; a charge that lands before the void is then the answer.
   */
  private async settleCharge(order: OrderRecord, ctx: CallContext): Promise<void> {
    const record = await lookUpAndSeal(this.payments, order.id, RECOVERY_REASONS.notCharged, ctx);
    if (record.kind === 'unknown') {
      ctx.log.warn({ reason: record.reason }, 'the payment could not be confirmed; the order stays PENDING until the next pass');
      return;
    }
    if (record.kind === 'not_charged' && record.declined) {
      ctx.log.warn('the interrupted charge failed (now voided); cancelling the order');
      return this.cancel(order, RECOVERY_REASONS.paymentFailed, { paymentState: 'FAILED' }, ctx);
    }
    if (record.kind === 'not_charged') {
      ctx.log.warn('no payment exists for the interrupted order (now voided); cancelling it');
      return this.cancel(order, RECOVERY_REASONS.notCharged, { paymentState: 'NOT_CHARGED' }, ctx);
    }
    const payment = record.payment;
    const paymentFields = { payment_id: payment.id, payment_status: payment.status, amount: payment.amount };
    if (payment.status === 'REFUNDED') {
      ctx.log.warn(paymentFields, 'the payment of the interrupted order was refunded; cancelling the order');
      return this.cancel(order, RECOVERY_REASONS.paymentRefunded, { paymentState: 'REFUNDED', paymentId: payment.id }, ctx);
    }
    const owed = { paymentState: 'REFUND_PENDING', paymentId: payment.id } as const;
    if (payment.amount !== formatCents(order.totalCents ?? 0)) {
      ctx.log.error({ ...paymentFields, total: formatCents(order.totalCents ?? 0) }, 'the payment does not match the order total');
      return this.cancel(order, RECOVERY_REASONS.amountMismatch, owed, ctx);
    }
    // Charged in full: keep the order, but only with its stock confirmed (no PAID order without its stock).
    if (order.reservationState !== 'ACTIVE') {
      ctx.log.error({ ...paymentFields, reservation_state: order.reservationState }, 'charged, but the stock was never confirmed');
      return this.cancel(order, RECOVERY_REASONS.stockNotConfirmed, owed, ctx);
    }
    await this.apply(order, ctx, async () => {
      await this.orders.transition(order, {
        from: 'PENDING',
        to: 'PAID',
        by: SYSTEM,
        reason: 'Recovered: the payment service confirmed the charge',
        progress: { paymentState: 'COMPLETED', paymentId: payment.id },
      });
      ctx.log.info(paymentFields, 'interrupted order completed: PAID');
    });
  }

  /** PENDING -> CANCELLED with the reason, then whatever it still holds is given back. */
  private async cancel(order: OrderRecord, reason: string, progress: OrderProgress, ctx: CallContext): Promise<void> {
    await this.apply(order, ctx, async () => {
      const cancelled = await this.orders.transition(order, {
        from: 'PENDING',
        to: 'CANCELLED',
        by: SYSTEM,
        reason,
        cancellationReason: reason,
        progress,
      });
      ctx.log.warn({ reason }, 'interrupted order cancelled');
      await this.compensation.settle(cancelled, ctx);
    });
  }

  /** Runs a status change; one lost to a concurrent writer leaves the order to whoever won. */
  private async apply(order: OrderRecord, ctx: CallContext, change: () => Promise<void>): Promise<void> {
    try {
      await change();
    } catch (err) {
      if (!(err instanceof ConflictError && err.code === 'order_status_changed')) throw err;
      ctx.log.info({ from: order.status }, 'the order changed meanwhile; left as it is');
    }
  }

  private context(orderId: string): CallContext {
    const requestId = `recovery-${randomUUID()}`;
    return { requestId, log: this.logger.child({ order_id: orderId, request_id: requestId }) };
  }
}
