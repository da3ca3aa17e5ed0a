import { formatCents, MAX_AMOUNT_CENTS } from '@order-system/platform';
import type { OrderFailure } from './order.types.js';

/** Every way the create workflow ends without a PAID order: the contract's code and sentence. */
export const failures = {
  productNotFound: (id: number): OrderFailure => ({ code: 'product_not_found', message: `Product ${id} not found` }),
  outOfStock: (id: number): OrderFailure => ({ code: 'out_of_stock', message: `Product ${id} is out of stock` }),
  productServiceUnavailable: { code: 'product_service_unavailable', message: 'Product service unavailable' } as OrderFailure,
  amountTooLarge: { code: 'amount_too_large', message: `The order total must not exceed ${formatCents(MAX_AMOUNT_CENTS)}` } as OrderFailure,
  paymentFailed: { code: 'payment_failed', message: 'Payment failed' } as OrderFailure,
  paymentServiceUnavailable: { code: 'payment_service_unavailable', message: 'Payment service unavailable' } as OrderFailure,
  paymentPending: {
    code: 'payment_pending',
    message: 'The payment could not be confirmed yet; the order stays PENDING until its outcome is known',
  } as OrderFailure,
};

// The messages with a product id, as patterns; the others are matched as they are.
const TEMPLATES: [RegExp, (id: number) => OrderFailure][] = [
  [/^Product (\d+) not found$/, failures.productNotFound],
  [/^Product (\d+) is out of stock$/, failures.outOfStock],
];

/**
 * The failure whose message is `reason` (a cancelled order's cancellation_reason), or null for a
 * reason the workflow does not give (a customer's own, the recovery job's).
 */
export function failureFromReason(reason: string): OrderFailure | null {
  for (const [pattern, make] of TEMPLATES) {
    const match = pattern.exec(reason);
    if (match) return make(Number(match[1]));
  }
  return (
    Object.values(failures).find((failure): failure is OrderFailure => typeof failure !== 'function' && failure.message === reason) ?? null
  );
}
