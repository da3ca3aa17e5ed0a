import type { OrderStatus } from '@order-system/contracts';
import type { FailureCode } from './order-failures.js';

export type { OrderStatus };

/** How far the stock reservation got. REQUESTED: sent, outcome not known (a crash or a lost answer). */
export type ReservationState = 'NONE' | 'REQUESTED' | 'ACTIVE' | 'RELEASED' | 'RELEASE_FAILED';

/**
 * How far the charge got. REQUESTED: sent, no answer recorded yet. UNKNOWN: every way of finding
 * out failed; the recovery job must ask the payment service again. NOT_CHARGED: known not to exist:
 * the charge never reached the payment service, or the payment service voided the order's payment
 * (a tombstone, so no late charge can land). FAILED: declined. After a cancellation: REFUND_PENDING,
 * a refund is owed if a payment exists (decided, not done yet); REFUNDED, the payment service
 * confirmed the refund.
 */
export type PaymentState = 'NONE' | 'REQUESTED' | 'COMPLETED' | 'FAILED' | 'NOT_CHARGED' | 'UNKNOWN' | 'REFUND_PENDING' | 'REFUNDED';

/** Who works on an order: the create-order workflow, a cancellation, or the recovery job. */
export type OrderWork = 'workflow' | 'cancel' | 'recovery';

/** One line of an order as recorded: what was asked for, and the price snapshot once it is known. */
export interface OrderItem {
  productId: number;
  quantity: number;
  /** null until the reservation answered (and for orders refused before it did). */
  name: string | null;
  unitPriceCents: number | null;
}

/** One entry of an order's status history. */
export interface StatusChange {
  from: OrderStatus | null;
  to: OrderStatus;
  at: Date;
  by: string;
  reason: string | null;
}

/** Where an order goes: as given (validated) when it was placed; `country` ISO 3166-1 alpha-2, upper case. */
export interface ShippingAddress {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

/** How a shipped order travels: given by the admin who ships it (either may be unknown). */
export interface Tracking {
  carrier: string | null;
  trackingNumber: string | null;
}

/** An order, with its items and status history in the order they were written. */
export interface Order {
  id: string;
  customerName: string;
  /** Set when a customer token placed the order; only that customer (and admins) may read it. */
  userId: string | null;
  status: OrderStatus;
  totalCents: number | null;
  cancellationReason: string | null;
  /** The stable code of the cancellation, next to its human reason. */
  failureCode: FailureCode | null;
  reservationState: ReservationState;
  paymentState: PaymentState;
  paymentId: string | null;
  shippingAddress: ShippingAddress | null;
  tracking: Tracking;
  createdAt: Date;
  updatedAt: Date;
  items: OrderItem[];
  history: StatusChange[];
}

/** One line of a new order: each product once, quantities of repeated ids added up. */
export interface OrderLine {
  productId: number;
  quantity: number;
}

/** A reserved line: what the product service took, at the name and price it had in the same transaction. */
export interface PricedLine extends OrderLine {
  name: string;
  unitPriceCents: number;
}

/** The price snapshot of each line, as reserved, and the total: Σ price × quantity in cents, computed here. */
export interface Pricing {
  items: PricedLine[];
  totalCents: number;
}

/** Who made a change: a user id, or 'system' for the workflow, the recovery job and anonymous callers. */
export const SYSTEM = 'system';
