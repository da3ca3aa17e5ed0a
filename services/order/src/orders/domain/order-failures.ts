import { formatCents, MAX_AMOUNT_CENTS } from '@order-system/platform';

/** Why an order was cancelled: the stable code stored with it (and answered as `code`). */
export type FailureCode =
  // The create-order workflow.
  | 'product_not_found'
  | 'out_of_stock'
  | 'amount_too_large'
  | 'payment_failed'
  | 'product_service_unavailable'
  | 'payment_service_unavailable'
  // The recovery job, finishing an order that a crash or a stall left PENDING.
  | 'order_interrupted'
  | 'payment_refunded'
  | 'payment_amount_mismatch'
  | 'stock_not_confirmed'
  // A customer or an admin.
  | 'order_cancelled';

/** A cancellation: its code and its human reason (the order's cancellation_reason). */
export interface Failure {
  code: FailureCode;
  message: string;
}

const failure = (code: FailureCode, message: string): Failure => ({ code, message });

/** Every way an order ends CANCELLED, with the sentence recorded as its reason. */
export const failures = {
  productNotFound: (id: number) => failure('product_not_found', `Product ${id} not found`),
  outOfStock: (id: number) => failure('out_of_stock', `Product ${id} is out of stock`),
  productServiceUnavailable: failure('product_service_unavailable', 'Product service unavailable'),
  amountTooLarge: failure('amount_too_large', `The order total must not exceed ${formatCents(MAX_AMOUNT_CENTS)}`),
  paymentFailed: failure('payment_failed', 'Payment failed'),
  paymentServiceUnavailable: failure('payment_service_unavailable', 'Payment service unavailable'),
  /** Only after the payment service voided the order's payment: nothing was charged, nor can be. */
  interrupted: failure('order_interrupted', 'Order interrupted before payment; not charged'),
  paymentRefunded: failure('payment_refunded', 'Payment was refunded'),
  amountMismatch: failure('payment_amount_mismatch', 'Payment amount did not match the order total; refunded'),
  stockNotConfirmed: failure('stock_not_confirmed', 'Order interrupted before its stock was confirmed; refunded'),
  onRequest: (reason: string) => failure('order_cancelled', reason),
};

/** What a cancellation reason becomes once a charge that landed after it was refunded (reconciliation). */
export const CHARGED_AFTER_CANCELLATION = 'charged after cancellation; refunded';

/** Whether a cancellation reason says the order was not charged (the recovery job's, after a void). */
export function saysNotCharged(reason: string | null): boolean {
  return reason?.endsWith('; not charged') === true;
}

export function reasonAfterLateCharge(reason: string | null): string {
  const base = (reason ?? 'Order cancelled').replace(/; not charged$/, '');
  return base.endsWith(CHARGED_AFTER_CANCELLATION) ? base : `${base}; ${CHARGED_AFTER_CANCELLATION}`;
}
