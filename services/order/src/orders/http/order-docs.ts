import { parseUuidParam } from '@order-system/contracts';
import { databaseUnavailable, type ExampleSpec, type HeaderParam, type PathParam, type ResponseSpec } from '@order-system/platform';
import { IdempotencyKeyInProgressError, IdempotencyKeyMismatchError } from '../idempotency/idempotency.js';

/**
 * What the documents of the order routes share: the example orders, the order id parameter, the
 * Idempotency-Key header and the answers of placing an order (POST /api/orders/ and the cart's
 * checkout answer alike).
 */

export const ORDER_ID = '3f0c8a52-1d7e-4c1b-9b2e-6a4f5d3c2b1a';
export const T0 = '2026-12-01T10:00:00.000Z';
export const T1 = '2026-12-01T10:00:01.000Z';
export const T2 = '2026-12-02T09:00:00.000Z';

export const paid = {
  id: ORDER_ID,
  customer_name: 'Alice',
  user_id: null as string | null,
  items: [
    {
      product_id: 1,
      name: 'Keyboard' as string | null,
      unit_price: '49.90' as string | null,
      quantity: 2,
      line_total: '99.80' as string | null,
    },
  ],
  total_amount: '99.80' as string | null,
  status: 'PAID',
  cancellation_reason: null as string | null,
  payment_status: 'COMPLETED' as string | null,
  created_at: T0,
  updated_at: T1,
  status_history: [
    { from: null as string | null, to: 'PENDING', at: T0, by: 'system', reason: null as string | null },
    { from: 'PENDING', to: 'PAID', at: T1, by: 'system', reason: null },
  ],
  shipping_address: null as Record<string, unknown> | null,
};
export type ExampleOrder = typeof paid;

export const ADDRESS = {
  name: 'Alice Smith',
  line1: 'Hauptstraße 5',
  line2: null,
  city: 'Berlin',
  region: null,
  postal_code: '10115',
  country: 'DE',
};
/** A shipping address as a request gives it (the optional lines left out). */
export const ADDRESS_INPUT = { name: 'Alice Smith', line1: 'Hauptstraße 5', city: 'Berlin', postal_code: '10115', country: 'DE' };

/** Placed, not decided yet: nothing reserved so far, so no price taken. */
export const pending: ExampleOrder = {
  ...paid,
  items: [{ product_id: 1, name: null, unit_price: null, quantity: 2, line_total: null }],
  total_amount: null,
  status: 'PENDING',
  payment_status: null,
  updated_at: T0,
  status_history: [paid.status_history[0] as ExampleOrder['status_history'][number]],
};

/** `order` recorded CANCELLED by the system for `reason`. */
export const cancelledAs = (order: ExampleOrder, reason: string, extra: Partial<ExampleOrder> = {}): ExampleOrder => ({
  ...order,
  status: 'CANCELLED',
  cancellation_reason: reason,
  payment_status: null,
  status_history: [
    paid.status_history[0] as ExampleOrder['status_history'][number],
    { from: 'PENDING', to: 'CANCELLED', at: T1, by: 'system', reason },
  ],
  ...extra,
});

/** Refused before its reservation succeeded: nothing was reserved, so no price was taken. */
const unpriced = (productId: number, quantity: number): Partial<ExampleOrder> => ({
  items: [{ product_id: productId, name: null, unit_price: null, quantity, line_total: null }],
  total_amount: null,
});

/** An answer that is an order plus why it was not completed. */
export const outcome = (order: object, code: string, error: string) => ({ ...order, error, code });

export const cancelledByAdmin: ExampleOrder = {
  ...paid,
  status: 'CANCELLED',
  cancellation_reason: 'Cancelled by admin',
  payment_status: 'REFUNDED',
  updated_at: T2,
  status_history: [...paid.status_history, { from: 'PAID', to: 'CANCELLED', at: T2, by: 'admin', reason: 'Cancelled by admin' }],
};

export const validation = (error: string, details: Record<string, string[]>) => ({ error, code: 'validation_failed', details });

export const orderId: PathParam<string | null> = {
  description: 'Order id (a malformed one is a 404)',
  schema: { type: 'string', format: 'uuid' },
  example: ORDER_ID,
  parse: parseUuidParam,
};

export const orderNotFound: ResponseSpec = {
  description: 'Order not found (also for a malformed id, and for another customer’s order)',
  schema: 'Error',
  example: { error: 'Order not found', code: 'not_found' },
};

export const idempotencyKey: HeaderParam = {
  description:
    'Makes a retry safe (Stripe semantics): 1-255 printable ASCII characters without spaces, kept 24 hours (e.g. `order-alice-0001`)',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]{1,255}$' },
};

/** The 503 every route that uses the database may answer, for a route whose own 503 lists it beside others. */
export const databaseUnavailableExample: ExampleSpec = {
  summary: 'the database gave no connection in time: nothing was done; try again after Retry-After',
  value: databaseUnavailable().toJSON(),
};

const PAYMENT_PENDING_ERROR = 'The payment could not be confirmed yet; the order stays PENDING until its outcome is known';

/** 202 `payment_pending` of `order` (as placed: PENDING, priced, not charged yet). */
export const paymentPending = (order: ExampleOrder) =>
  outcome(
    { ...order, status: 'PENDING', payment_status: null, updated_at: T0, status_history: [paid.status_history[0]] },
    'payment_pending',
    PAYMENT_PENDING_ERROR,
  );

/** The orders a placement ends with CANCELLED and answers 400, by code, from `order` (what was asked). */
export function refusedPlacements(order: ExampleOrder): Record<string, ExampleSpec> {
  const cancelled = (code: string, reason: string, extra: Partial<ExampleOrder> = {}) =>
    outcome(cancelledAs(order, reason, extra), code, reason);
  return {
    product_not_found: {
      summary: 'an unknown product: recorded CANCELLED, nothing reserved',
      value: cancelled('product_not_found', 'Product 2 not found', unpriced(2, 1)),
    },
    out_of_stock: {
      summary: 'not enough stock: recorded CANCELLED, nothing reserved',
      value: cancelled('out_of_stock', 'Product 1 is out of stock', unpriced(1, 2)),
    },
    amount_too_large: {
      summary: 'the total would pass 999999.99: recorded CANCELLED, the stock released, nothing charged',
      value: cancelled('amount_too_large', 'The order total must not exceed 999999.99'),
    },
    payment_failed: {
      summary: 'the payment failed (or kept failing after 3 attempts): recorded CANCELLED, stock released',
      value: cancelled('payment_failed', 'Payment failed', { payment_status: 'FAILED' }),
    },
    payment_refunded: {
      summary: 'decided by the recovery job, which found the payment refunded: CANCELLED, stock released',
      value: cancelled('payment_refunded', 'Payment was refunded', { payment_status: 'REFUNDED' }),
    },
    order_cancelled: {
      summary: 'a repeat of an order cancelled since by its customer or an admin: their reason as `error`',
      value: outcome({ ...cancelledByAdmin, ...pick(order) }, 'order_cancelled', 'Cancelled by admin'),
    },
  };
}

/** The orders a placement ends with CANCELLED and answers 503 (a fault on the service's side; trying again may work). */
export function failedPlacements(order: ExampleOrder): Record<string, ExampleSpec> {
  const cancelled = (code: string, reason: string, extra: Partial<ExampleOrder> = {}) =>
    outcome(cancelledAs(order, reason, extra), code, reason);
  return {
    product_service_unavailable: {
      summary: 'the product service could not be reached: recorded CANCELLED, nothing reserved',
      value: cancelled('product_service_unavailable', 'Product service unavailable', unpriced(1, 2)),
    },
    payment_service_unavailable: {
      summary: 'the payment service could not be reached: recorded CANCELLED once the payment was voided',
      value: cancelled('payment_service_unavailable', 'Payment service unavailable'),
    },
    order_interrupted: {
      summary: 'decided by the recovery job after its worker was gone: the payment voided, nothing charged',
      value: cancelled('order_interrupted', 'Order interrupted before payment; not charged'),
    },
    payment_amount_mismatch: {
      summary: 'decided by the recovery job: charged another amount than the total, refunded',
      value: cancelled('payment_amount_mismatch', 'Payment amount did not match the order total; refunded', { payment_status: 'REFUNDED' }),
    },
    stock_not_confirmed: {
      summary: 'decided by the recovery job: charged, but its stock never confirmed, refunded',
      value: cancelled('stock_not_confirmed', 'Order interrupted before its stock was confirmed; refunded', { payment_status: 'REFUNDED' }),
    },
    database_unavailable: databaseUnavailableExample,
  };
}

/** The customer and the address of `order`, for an example built from another order. */
function pick(order: ExampleOrder): Partial<ExampleOrder> {
  return { customer_name: order.customer_name, user_id: order.user_id, shipping_address: order.shipping_address };
}

export const idempotencyInProgress = new IdempotencyKeyInProgressError().toJSON();
export const idempotencyReused = new IdempotencyKeyMismatchError().toJSON();
export const invalidIdempotencyKey = {
  error: 'Idempotency-Key must be 1-255 printable ASCII characters without spaces',
  code: 'invalid_idempotency_key',
};
