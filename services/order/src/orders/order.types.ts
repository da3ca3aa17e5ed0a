import type { OrderStatus } from '@order-system/contracts';
import type { Order } from '../generated/prisma/client.js';

export type { OrderStatus };

/** How far the stock reservation got. REQUESTED: sent, outcome not known (a crash or a lost answer). */
export type ReservationState = 'NONE' | 'REQUESTED' | 'ACTIVE' | 'RELEASED' | 'RELEASE_FAILED';

/**
 * How far the charge got. REQUESTED: sent, no answer recorded yet. UNKNOWN: every way of finding
 * out failed; a recovery job must ask the payment service again. NOT_CHARGED: known not to exist:
 * the charge never reached the payment service, or the payment service voided the order's payment
 * (a tombstone, so no late charge can land). FAILED: declined (voided too when it was found by a
 * lookup rather than answered to the charge). After a cancellation: REFUND_PENDING, a refund is owed
 * if a payment exists (decided, not done yet); REFUNDED, the payment service confirmed the refund.
 */
export type PaymentState = 'NONE' | 'REQUESTED' | 'COMPLETED' | 'FAILED' | 'NOT_CHARGED' | 'UNKNOWN' | 'REFUND_PENDING' | 'REFUNDED';

/** Reservation states in which the product service may still hold stock for the order. */
export const STOCK_MAY_BE_HELD: readonly ReservationState[] = ['REQUESTED', 'ACTIVE', 'RELEASE_FAILED'];

/**
 * Payment states in which a cancelled order may have been charged, so a refund is owed if a
 * payment exists. REFUND_PENDING is the usual one; the others only after an interrupted write.
 */
export const REFUND_OWED: readonly PaymentState[] = ['REFUND_PENDING', 'COMPLETED', 'REQUESTED', 'UNKNOWN'];

/** One line of an order as recorded: what was asked for, and the price snapshot once it is known. */
export interface OrderItemRecord {
  productId: number;
  quantity: number;
  /** null until the reservation answered (and for orders refused before it did). */
  name: string | null;
  unitPriceCents: number | null;
}

/** One row of an order's status history. */
export interface StatusChangeRecord {
  fromStatus: string | null;
  toStatus: string;
  at: Date;
  by: string;
  reason: string | null;
}

/** An order with its items and status history, both in the order they were written. */
export type OrderRecord = Order & { items: OrderItemRecord[]; history: StatusChangeRecord[] };

/** One line of an order: each product once, quantities of repeated ids added up. */
export interface OrderLine {
  productId: number;
  quantity: number;
}

/** Who made a change: a user id, or 'system' for the workflow itself and anonymous callers. */
export const SYSTEM = 'system';

/** Why an order was not completed: a contract error code and its human sentence. */
export type OrderFailureCode =
  | 'product_not_found'
  | 'out_of_stock'
  | 'amount_too_large'
  | 'payment_failed'
  | 'product_service_unavailable'
  | 'payment_service_unavailable'
  | 'payment_pending';

export interface OrderFailure {
  code: OrderFailureCode;
  message: string;
}
