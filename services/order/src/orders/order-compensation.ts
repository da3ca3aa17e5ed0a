import type { PaymentClient } from '../upstream/payment.client.js';
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
   * nothing to refund.
   */
  async settle(order: OrderRecord, ctx: CallContext, options: { recheckCharge?: boolean } = {}): Promise<OrderRecord> {
    if (order.status !== 'CANCELLED') return order;
    const recheck = options.recheckCharge === true && (order.paymentState === 'NOT_CHARGED' || order.paymentState === 'FAILED');
    const refunded = owesRefund(order) || recheck ? await this.refund(order, ctx) : order;
    return mayHoldStock(refunded) ? this.releaseStock(refunded, ctx) : refunded;
  }

  private async refund(order: OrderRecord, ctx: CallContext): Promise<OrderRecord> {
    const reason = order.cancellationReason ?? 'Order cancelled';
    try {
      const outcome = await this.payments.refund(order.id, reason, ctx);
      switch (outcome.kind) {
        case 'refunded':
          ctx.log.info({ order_id: order.id, payment_id: outcome.payment.id, reason }, 'payment refunded');
          return await this.orders.recordProgress(order.id, { paymentState: 'REFUNDED', paymentId: outcome.payment.id });
        case 'not_found':
          ctx.log.info({ order_id: order.id, reason }, 'no payment to refund: the order was not charged');
          return await this.orders.recordProgress(order.id, { paymentState: 'NOT_CHARGED' });
        case 'not_refundable':
          ctx.log.info({ order_id: order.id, reason }, 'no refund needed: the payment FAILED');
          return await this.orders.recordProgress(order.id, { paymentState: 'FAILED' });
      }
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      ctx.log.error({ order_id: order.id, reason: describeFailure(err.last) }, 'refund failed; left for recovery');
      return order.paymentState === 'REFUND_PENDING' ? order : this.orders.recordProgress(order.id, { paymentState: 'REFUND_PENDING' });
    }
  }

  /** Puts the order's reserved stock back; a failure is recorded as RELEASE_FAILED and the order stays as it is. */
  async releaseStock(order: OrderRecord, ctx: CallContext): Promise<OrderRecord> {
    if (!mayHoldStock(order)) return order;
    try {
      const outcome = await this.products.release(order.id, ctx);
      ctx.log.info({ order_id: order.id, outcome }, 'reservation released');
      return await this.orders.recordProgress(order.id, { reservationState: outcome === 'released' ? 'RELEASED' : 'NONE' });
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      ctx.log.error({ order_id: order.id, reason: describeFailure(err.last) }, 'releasing the reservation failed; left for recovery');
      return this.orders.recordProgress(order.id, { reservationState: 'RELEASE_FAILED' });
    }
  }
}
