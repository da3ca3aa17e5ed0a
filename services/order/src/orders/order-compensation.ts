import type { PaymentAnswer, PaymentClient } from '../upstream/payment.client.js';
import type { ProductClient } from '../upstream/product.client.js';
import type { CallContext } from '../upstream/upstream-client.js';
import { describeFailure, UpstreamError } from '../upstream/upstream-error.js';
import { type OrderRecord, type PaymentState, REFUND_OWED, type ReservationState, STOCK_MAY_BE_HELD } from './order.types.js';
import type { OrdersRepository } from './orders.repository.js';

/** True when a cancelled order may still hold a payment that must be refunded. */
export function owesRefund(order: OrderRecord): boolean {
  return order.status === 'CANCELLED' && REFUND_OWED.includes(order.paymentState as PaymentState);
}

/** True when the product service may still hold stock for this order. */
export function mayHoldStock(order: OrderRecord): boolean {
  return STOCK_MAY_BE_HELD.includes(order.reservationState as ReservationState);
}

/**
 * Gives back what a cancelled order still holds: its payment, then its stock. Each outcome is
 * written down; a call that fails leaves REFUND_PENDING or RELEASE_FAILED behind for the next
 * attempt (a repeated cancel, or the recovery job). Both calls are idempotent on the order id, so
 * repeating them never refunds or releases twice.
 */
export class OrderCompensation {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly products: ProductClient,
    private readonly payments: PaymentClient,
  ) {}

  /**
   * Refunds and releases whatever is still owed for a CANCELLED order; anything else is left alone.
   * With `recheckCharge`, a charge recorded as not made (or failed) is asked for a refund too, in
   * case it was made after all (a late charge): the payment service refunds it, or says there is
   * nothing to refund, and the payment is then voided so that nothing can land later.
   */
  async settle(order: OrderRecord, ctx: CallContext, options: { recheckCharge?: boolean } = {}): Promise<OrderRecord> {
    if (order.status !== 'CANCELLED') return order;
    const recheck = options.recheckCharge === true && (order.paymentState === 'NOT_CHARGED' || order.paymentState === 'FAILED');
    const refunded = owesRefund(order) || recheck ? await this.refund(order, ctx) : order;
    return mayHoldStock(refunded) ? this.releaseStock(refunded, ctx) : refunded;
  }

  /**
   * Refunds the order's payment. When there is nothing to refund (no payment, or a FAILED one), the
   * payment is voided before the order is recorded as not charged: a charge sent before the
   * cancellation may still be on its way, and the void makes the payment service refuse it instead
   * of charging a cancelled order that nobody would look at again. A charge that lands between the
   * refund and the void is refunded after all. Until the void is confirmed, the refund stays owed.
   */
  private async refund(order: OrderRecord, ctx: CallContext): Promise<OrderRecord> {
    const reason = order.cancellationReason ?? 'Order cancelled';
    try {
      const outcome = await this.payments.refund(order.id, reason, ctx);
      if (outcome.kind === 'refunded') return await this.recordRefund(order, outcome.payment, reason, ctx);
      const declined = (outcome.kind === 'not_refundable' && outcome.status === 'FAILED') || order.paymentState === 'FAILED';
      if (!(outcome.kind === 'not_refundable' && outcome.status === 'VOIDED')) {
        const sealed = await this.payments.void(order.id, reason, ctx);
        if (sealed.kind === 'charged') return await this.refundLateCharge(order, sealed.payment, reason, ctx);
      }
      ctx.log.info(
        { order_id: order.id, reason },
        declined ? 'no refund needed: the payment FAILED (now voided)' : 'no payment to refund: the order was not charged (now voided)',
      );
      return await this.orders.recordProgress(order, { paymentState: declined ? 'FAILED' : 'NOT_CHARGED' });
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      ctx.log.error({ order_id: order.id, reason: describeFailure(err.last) }, 'refund failed; left for recovery');
      return order.paymentState === 'REFUND_PENDING' ? order : this.orders.recordProgress(order, { paymentState: 'REFUND_PENDING' });
    }
  }

  /** The charge landed between the refund that found nothing and the void: refund it now. */
  private async refundLateCharge(order: OrderRecord, payment: PaymentAnswer, reason: string, ctx: CallContext): Promise<OrderRecord> {
    ctx.log.warn({ order_id: order.id, payment_id: payment.id, payment_status: payment.status }, 'a late charge landed; refunding it');
    if (payment.status === 'REFUNDED') return this.recordRefund(order, payment, reason, ctx);
    const again = await this.payments.refund(order.id, reason, ctx);
    if (again.kind === 'refunded') return this.recordRefund(order, again.payment, reason, ctx);
    // A COMPLETED payment that cannot be refunded a moment later: leave it owed for the next attempt.
    ctx.log.error({ order_id: order.id, outcome: again.kind }, 'the late charge could not be refunded; left for recovery');
    return this.orders.recordProgress(order, { paymentState: 'REFUND_PENDING', paymentId: payment.id });
  }

  private async recordRefund(order: OrderRecord, payment: PaymentAnswer, reason: string, ctx: CallContext): Promise<OrderRecord> {
    ctx.log.info({ order_id: order.id, payment_id: payment.id, reason }, 'payment refunded');
    return this.orders.recordProgress(order, { paymentState: 'REFUNDED', paymentId: payment.id });
  }

  /** Puts the order's reserved stock back; a failure is recorded as RELEASE_FAILED and the order stays as it is. */
  async releaseStock(order: OrderRecord, ctx: CallContext): Promise<OrderRecord> {
    if (!mayHoldStock(order)) return order;
    try {
      const outcome = await this.products.release(order.id, ctx);
      ctx.log.info({ order_id: order.id, outcome }, 'reservation released');
      return await this.orders.recordProgress(order, { reservationState: outcome === 'released' ? 'RELEASED' : 'NONE' });
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      ctx.log.error({ order_id: order.id, reason: describeFailure(err.last) }, 'releasing the reservation failed; left for recovery');
      return this.orders.recordProgress(order, { reservationState: 'RELEASE_FAILED' });
    }
  }
}
