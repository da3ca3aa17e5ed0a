import { randomUUID } from 'node:crypto';
import { formatCents, type Logger } from '@order-system/platform';
import { lookUpAndSeal } from '../orders/compensation/charge-record.js';
import type { OrderCompensation } from '../orders/compensation/order-compensation.js';
import { fencedWrite, SupersededError } from '../orders/concurrency/fenced-write.js';
import type { Lease, OrderLeases } from '../orders/concurrency/order-leases.js';
import type { OrderLeasesRepository } from '../orders/concurrency/order-leases.repository.js';
import type { Order } from '../orders/domain/order.js';
import { type Failure, failures } from '../orders/domain/order-failures.js';
import { moves, type Progress } from '../orders/domain/order-state.js';
import type { OrdersRepository, PaidFollowUps, RecoveryPosition } from '../orders/orders.repository.js';
import type { PaymentPort } from '../upstream/payment.client.js';
import type { RequestContext } from '../upstream/upstream-client.js';

export interface RecoveryOptions {
  /** A PENDING order is left alone until it is this old: its workflow may still be running, or its calls arriving late. */
  graceMs: number;
  /**
   * At most this many orders per pass; the next pass goes on after the last one, and starts from the
   * oldest again once it has reached the end (so orders that stay undecided, e.g. while the payment
   * service cannot answer for them, never keep newer ones from being looked at).
   */
  batchSize: number;
  /** What goes with an order's PAID, in the same transaction: the cart checked out as the order is emptied. */
  paidFollowUps?: PaidFollowUps;
}

/** What one pass did, for logs and tests. */
export interface RecoveryReport {
  examined: number;
  skipped: number;
}

/**
 * Contract step 6: finishes or compensates every order a crash, an outage or a stall left half done.
 * Each order is handled holding its lease (taken only once the lease of whoever worked on it has
 * expired), and every write is fenced by it, so a worker that stalled and comes back finds its
 * writes refused and stops.
 * - PENDING: whatever its recorded payment state, the payment service's record decides, and no
 *   payment (or a FAILED one) is voided first, so that no charge still on its way can land after
 *   the decision: COMPLETED of the order's total with its stock confirmed -> PAID (and the cart
 *   checked out as the order emptied, in the same transaction); voided ->
 *   CANCELLED ("not charged" is then true) and the stock voided too; the record cannot be read or
 *   the void not confirmed -> left for the next pass.
 * - CANCELLED with a refund owed or stock held: the refund and the release are tried again, and a
 *   charge recorded as not made is asked for a refund as well, in case it landed late.
 * Every change is written `by: "system"`.
 */
export class RecoveryService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly leases: OrderLeases,
    private readonly leaseRows: OrderLeasesRepository,
    private readonly payments: PaymentPort,
    private readonly compensation: OrderCompensation,
    private readonly logger: Logger,
    private readonly options: RecoveryOptions,
  ) {}

  /** Where the last pass stopped, when it stopped at its batch size before the end of the list. */
  #after: RecoveryPosition | undefined;

  /** One pass over up to batchSize orders that need it. `shouldStop` is asked between orders (the service is stopping). */
  async runOnce(shouldStop: () => boolean = () => false): Promise<RecoveryReport> {
    const pendingBefore = new Date(Date.now() - this.options.graceMs);
    const size = this.options.batchSize;
    const batch = await this.orders.findIdsForRecovery(pendingBefore, size, this.#after);
    let next = batch.length === size ? batch.at(-1) : undefined;
    if (batch.length < size && this.#after) {
      // The end of the list: the rest of this batch from its start again.
      const rest = size - batch.length;
      const fromStart = (await this.orders.findIdsForRecovery(pendingBefore, rest)).filter(
        (order) => !batch.some((taken) => taken.id === order.id),
      );
      next = fromStart.length === rest ? fromStart.at(-1) : undefined;
      batch.push(...fromStart);
    }
    this.#after = next;
    const report: RecoveryReport = { examined: 0, skipped: 0 };
    for (const { id } of batch) {
      if (shouldStop()) break;
      const ctx = this.context();
      try {
        const outcome = await this.leases.hold(id, 'recovery', (lease) => this.recover(id, pendingBefore, lease, ctx), { wait: false });
        if (outcome.held) report.examined += 1;
        else report.skipped += 1;
      } catch (err) {
        // One order's trouble (a database error, a bug) must not stop the others from being recovered.
        ctx.log.error({ err, order_id: id }, 'recovery of the order failed; it is tried again in the next pass');
      }
    }
    // Leases left behind by a worker that died (expired a whole TTL ago): nobody holds those orders.
    const cleared = await this.leaseRows.clearExpired(this.leases.ttlMs);
    if (cleared > 0) this.logger.info({ cleared }, 'expired order leases cleared');
    return report;
  }

  private async recover(id: string, pendingBefore: Date, lease: Lease, ctx: RequestContext): Promise<void> {
    try {
      // Read again while holding it: a request may have moved it since the list was made.
      const order = await this.orders.findById(id);
      if (!order) return;
      if (order.status === 'PENDING' && order.createdAt < pendingBefore) await this.finishPending(order, lease, ctx);
      // A charge sent before the cancellation may have landed late: ask for a refund of any payment.
      else if (order.status === 'CANCELLED') await this.compensation.settle(order, lease, ctx, { recheckCharge: true });
    } catch (err) {
      if (!(err instanceof SupersededError)) throw err;
      ctx.log.info({ order_id: id }, 'the order changed meanwhile; left as it is');
    }
  }

  /**
   * A PENDING order whose worker is gone: the payment service's record decides, sealed first (no
   * payment, or a FAILED one, is voided), so that nothing can be charged after the decision.
   */
  private async finishPending(order: Order, lease: Lease, ctx: RequestContext): Promise<void> {
    const record = await lookUpAndSeal(this.payments, order.id, failures.interrupted.message, ctx);
    if (record.kind === 'unknown') {
      ctx.log.warn(
        { order_id: order.id, reason: record.reason },
        'the payment could not be confirmed; the order stays PENDING until the next pass',
      );
      return;
    }
    if (record.kind === 'not_charged') {
      if (record.declined) {
        ctx.log.warn({ order_id: order.id }, 'the interrupted charge failed (now voided); cancelling the order');
        return this.cancel(order, failures.paymentFailed, { paymentState: 'FAILED' }, lease, ctx);
      }
      ctx.log.warn(
        { order_id: order.id, reservation_state: order.reservationState },
        'no payment exists for the interrupted order (now voided); cancelling it',
      );
      return this.cancel(order, failures.interrupted, { paymentState: 'NOT_CHARGED' }, lease, ctx);
    }
    const payment = record.payment;
    const paymentFields = { order_id: order.id, payment_id: payment.id, payment_status: payment.status, amount: payment.amount };
    if (payment.status === 'REFUNDED') {
      ctx.log.warn(paymentFields, 'the payment of the interrupted order was refunded; cancelling the order');
      return this.cancel(order, failures.paymentRefunded, { paymentState: 'REFUNDED', paymentId: payment.id }, lease, ctx);
    }
    const owed = { paymentState: 'REFUND_PENDING', paymentId: payment.id } as const;
    if (payment.amount !== formatCents(order.totalCents ?? 0)) {
      ctx.log.error({ ...paymentFields, total: formatCents(order.totalCents ?? 0) }, 'the payment does not match the order total');
      return this.cancel(order, failures.amountMismatch, owed, lease, ctx);
    }
    // Charged in full: keep the order, but only with its stock confirmed (no PAID order without its stock).
    if (order.reservationState !== 'ACTIVE') {
      ctx.log.error({ ...paymentFields, reservation_state: order.reservationState }, 'charged, but the stock was never confirmed');
      return this.cancel(order, failures.stockNotConfirmed, owed, lease, ctx);
    }
    await fencedWrite(this.orders, order, moves.paid(order, payment.id, 'Recovered: the payment service confirmed the charge'), lease, {
      last: true,
      alongside: this.options.paidFollowUps?.(order.id),
    });
    ctx.log.info(paymentFields, 'interrupted order completed: PAID');
  }

  /** PENDING -> CANCELLED with the reason, then whatever it still holds is given back. */
  private async cancel(order: Order, failure: Failure, progress: Progress, lease: Lease, ctx: RequestContext): Promise<void> {
    const cancelled = await fencedWrite(this.orders, order, moves.cancelled(order, failure, 'system', progress), lease);
    ctx.log.warn({ order_id: order.id, code: failure.code, reason: failure.message }, 'interrupted order cancelled');
    await this.compensation.settle(cancelled, lease, ctx);
  }

  /** Like a request's: an id forwarded on every call it makes, and a logger that carries it (every line names its order itself). */
  private context(): RequestContext {
    const requestId = `recovery-${randomUUID()}`;
    return { requestId, log: this.logger.child({ request_id: requestId }) };
  }
}
