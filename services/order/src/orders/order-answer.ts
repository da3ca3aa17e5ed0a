import type { StoredAnswer } from './idempotency.service.js';
import { toOrderJson } from './order.mapper.js';
import type { OrderFailureCode, OrderRecord } from './order.types.js';
import { failureFromReason, failures } from './order-failures.js';
import type { PlacedOrder } from './orders.service.js';

/** The HTTP answer for each way an order can end up not paid. */
const FAILURE_STATUS: Record<OrderFailureCode, number> = {
  product_not_found: 400,
  out_of_stock: 400,
  amount_too_large: 400,
  payment_failed: 400,
  product_service_unavailable: 503,
  payment_service_unavailable: 503,
  payment_pending: 202,
};

/** POST /api/orders/: 201 with a PAID order, otherwise the order plus `error` and `code`. */
export function answerForPlacedOrder({ order, failure }: PlacedOrder): StoredAnswer {
  if (!failure) return { status: 201, body: toOrderJson(order) };
  return { status: FAILURE_STATUS[failure.code], body: { ...toOrderJson(order), error: failure.message, code: failure.code } };
}

/**
 * The answer a create request would get for the order as it is now: used when a request with an
 * Idempotency-Key is repeated after the one that made the order was interrupted.
 */
export function answerForCurrentOrder(order: OrderRecord): StoredAnswer {
  if (order.status === 'PENDING') {
    return answerForPlacedOrder({ order, failure: failures.paymentPending });
  }
  if (order.status !== 'CANCELLED') return { status: 201, body: toOrderJson(order) };
  const reason = order.cancellationReason ?? 'Order cancelled';
  const failure = failureFromReason(reason);
  if (failure) return answerForPlacedOrder({ order, failure });
  return { status: 400, body: { ...toOrderJson(order), error: reason, code: 'order_cancelled' } };
}
