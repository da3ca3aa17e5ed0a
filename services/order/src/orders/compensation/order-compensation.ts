import type { PaymentAnswer, PaymentPort } from '../../upstream/payment.client.js';
import type { ProductPort } from '../../upstream/product.client.js';
import type { RequestContext } from '../../upstream/upstream-client.js';
import { describeFailure, UpstreamError } from '../../upstream/upstream-error.js';
import { fencedWrite } from '../concurrency/fenced-write.js';
import type { Lease } from '../concurrency/order-leases.js';
import type { Order } from '../domain/order.js';
import { saysNotCharged } from '../domain/order-failures.js';
import { mayHoldStock, moves, owesRefund } from '../domain/order-state.js';
import type { OrdersRepository } from '../orders.repository.js';

/** Payment states of an order recorded as never charged: a payment found on it is a late charge. */
const RECORDED_NOT_CHARGED = new Set(['NONE', 'NOT_CHARGED', 'FAILED']);

/**
 * Gives back what a cancelled order still holds: its payment, then its stock, each made final at
 * the service that owns it. Each outcome is written down under the worker's lease; a call that
 * fails leaves REFUND_PENDING or RELEASE_FAILED behind for the next attempt (a repeated cancel, or
 * the recovery job). Every call is idempotent on the order id, so repeating them never refunds or
 * releases twice.
 */
export class OrderCompensation {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly products: ProductPort,
    private readonly payments: PaymentPort,
  ) {}

  /**
   * Refunds and releases whatever is still owed for a CANCELLED order; anything else is left alone.
   * With `recheckCharge`, a charge recorded as not made (or failed) is asked for a refund too, in
   * case it was made after all (a late charge): the payment service refunds it, or says there is
   * nothing to refund, and the payment is then voided so that nothing can land later.
   */
  async settle(order: Order, lease: Lease, ctx: RequestContext, options: { recheckCharge?: boolean } = {}): Promise<Order> {
    if (order.status !== 'CANCELLED') return order;
    const recheck = options.recheckCharge === true && (order.paymentState === 'NOT_CHARGED' || order.paymentState === 'FAILED');
    const refunded = owesRefund(order) || recheck ? await this.refund(order, lease, ctx) : order;
    return mayHoldStock(refunded) ? this.returnStock(refunded, lease, ctx) : refunded;
  }

  /**
   * Refunds the order's payment. When there is nothing to refund (no payment, or a FAILED one), the
   * payment is voided before the order is recorded as not charged: a charge sent before the
   * cancellation may still be on its way, and the void makes the payment service refuse it instead
   * of charging a cancelled order that nobody would look at again. A charge that lands between the
   * refund and the void is refunded after all. Until the void is confirmed, the refund stays owed.
   */
  private async refund(order: Order, lease: Lease, ctx: RequestContext): Promise<Order> {
    const reason = order.cancellationReason ?? 'Order cancelled';
    try {
      const outcome = await this.payments.refund(order.id, reason, ctx);
      if (outcome.kind === 'refunded') return await this.recordRefund(order, outcome.payment, lease, ctx);
      const declined = (outcome.kind === 'not_refundable' && outcome.status === 'FAILED') || order.paymentState === 'FAILED';
      if (!(outcome.kind === 'not_refundable' && outcome.status === 'VOIDED')) {
        const sealed = await this.payments.void(order.id, reason, ctx);
        if (sealed.kind === 'charged') return await this.refundLateCharge(order, sealed.payment, lease, ctx);
      }
      ctx.log.info(
        { order_id: order.id, reason },
        declined ? 'no refund needed: the payment FAILED (now voided)' : 'no payment to refund: the order was not charged (now voided)',
      );
      return await fencedWrite(this.orders, order, moves.payment(order, declined ? 'FAILED' : 'NOT_CHARGED'), lease);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      ctx.log.warn({ order_id: order.id, reason: describeFailure(err.last) }, 'refund failed; left for recovery');
      return order.paymentState === 'REFUND_PENDING'
        ? order
        : fencedWrite(this.orders, order, moves.payment(order, 'REFUND_PENDING'), lease);
    }
  }

  /** The charge landed between the refund that found nothing and the void: refund it now. */
  private async refundLateCharge(order: Order, payment: PaymentAnswer, lease: Lease, ctx: RequestContext): Promise<Order> {
    ctx.log.warn({ order_id: order.id, payment_id: payment.id, payment_status: payment.status }, 'a late charge landed; refunding it');
    if (payment.status === 'REFUNDED') return this.recordRefund(order, payment, lease, ctx);
    const again = await this.payments.refund(order.id, order.cancellationReason ?? 'Order cancelled', ctx);
    if (again.kind === 'refunded') return this.recordRefund(order, again.payment, lease, ctx);
    // A COMPLETED payment that cannot be refunded a moment later: leave it owed for the next attempt.
    ctx.log.error({ order_id: order.id, outcome: again.kind }, 'the late charge could not be refunded; left for recovery');
    return fencedWrite(this.orders, order, moves.payment(order, 'REFUND_PENDING', payment.id), lease);
  }

  /**
   * The refund is confirmed. An order that was recorded as never charged, or whose reason says so,
   * had a late charge: its reason is corrected (it must not say "not charged") and its history says so.
   */
  private async recordRefund(order: Order, payment: PaymentAnswer, lease: Lease, ctx: RequestContext): Promise<Order> {
    if (RECORDED_NOT_CHARGED.has(order.paymentState) || saysNotCharged(order.cancellationReason)) {
      return this.recordLateChargeRefunded(order, payment, lease, ctx);
    }
    ctx.log.info({ order_id: order.id, payment_id: payment.id }, 'payment refunded');
    return fencedWrite(this.orders, order, moves.payment(order, 'REFUNDED', payment.id), lease);
  }

  /** A payment of a cancelled order that was recorded as not charged, now refunded: recorded truthfully. */
  async recordLateChargeRefunded(order: Order, payment: PaymentAnswer, lease: Lease, ctx: RequestContext): Promise<Order> {
    ctx.log.error(
      { order_id: order.id, payment_id: payment.id, amount: payment.amount, reason: order.cancellationReason },
      'a cancelled order was charged; the charge is refunded',
    );
    return fencedWrite(this.orders, order, moves.lateChargeRefunded(order, payment.id), lease);
  }

  /**
   * Makes the order's reservation final: its stock put back if it was reserved, voided if it never
   * arrived (so a reservation still on its way is refused). A failure is recorded as RELEASE_FAILED
   * for the next attempt; the order stays as it is.
   */
  async returnStock(order: Order, lease: Lease, ctx: RequestContext): Promise<Order> {
    if (!mayHoldStock(order)) return order;
    try {
      const outcome = await this.products.void(order.id, order.cancellationReason ?? 'Order cancelled', ctx);
      ctx.log.info({ order_id: order.id, outcome }, 'reservation released');
      return await fencedWrite(this.orders, order, moves.stock(order, outcome === 'released' ? 'RELEASED' : 'NONE'), lease);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      ctx.log.warn({ order_id: order.id, reason: describeFailure(err.last) }, 'releasing the reservation failed; left for recovery');
      return order.reservationState === 'RELEASE_FAILED'
        ? order
        : fencedWrite(this.orders, order, moves.stock(order, 'RELEASE_FAILED'), lease);
    }
  }
}
