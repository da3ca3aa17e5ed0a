import { type Order, type OrderStatus, type PaymentState, type Pricing, type ReservationState, SYSTEM, type Tracking } from './order.js';
import { type Failure, reasonAfterLateCharge } from './order-failures.js';

/**
 * The order's state machine: the only place that says how an order may change. An order's state is
 * three things: its status (what the customer sees), how far its stock reservation got, and how far
 * its charge got. Every writer (placement, cancellation, fulfilment, recovery, reconciliation) builds
 * its change with one of the moves below, and the repository writes it as one conditional statement:
 * applied only if the order still has the status the change expects (and, for a worker holding the
 * order, only while it still holds it). A change that no longer applies is a lost race, answered as
 * such, never a half-written order.
 */

/** The status moves of the contract: PENDING -> PAID | CANCELLED; PAID -> SHIPPED -> DELIVERED; PAID -> CANCELLED (refund). */
const STATUS_MOVES: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

/**
 * Reservation moves. REQUESTED (sent) ends ACTIVE (confirmed), or, for an order that is not kept,
 * RELEASED (given back, or voided so that a late reservation is refused) or NONE (nothing was held).
 */
const RESERVATION_MOVES: Record<ReservationState, readonly ReservationState[]> = {
  NONE: ['REQUESTED'],
  REQUESTED: ['ACTIVE', 'RELEASED', 'NONE', 'RELEASE_FAILED'],
  ACTIVE: ['RELEASED', 'NONE', 'RELEASE_FAILED'],
  RELEASE_FAILED: ['RELEASED', 'NONE'],
  RELEASED: [],
};

/**
 * Charge moves. A charge sent (REQUESTED) or unclear (UNKNOWN) ends COMPLETED, FAILED or NOT_CHARGED
 * (voided at the payment service); a cancelled order that may have been charged owes a refund
 * (REFUND_PENDING) until the payment service refunds it or says there was nothing to refund. A charge
 * found on an order thought not charged (a late charge) is refunded too.
 */
const PAYMENT_MOVES: Record<PaymentState, readonly PaymentState[]> = {
  NONE: ['REQUESTED', 'NOT_CHARGED', 'FAILED', 'COMPLETED', 'REFUND_PENDING', 'REFUNDED'],
  REQUESTED: ['COMPLETED', 'FAILED', 'NOT_CHARGED', 'UNKNOWN', 'REFUND_PENDING', 'REFUNDED'],
  UNKNOWN: ['COMPLETED', 'FAILED', 'NOT_CHARGED', 'REFUND_PENDING', 'REFUNDED'],
  COMPLETED: ['REFUND_PENDING', 'REFUNDED'],
  FAILED: ['NOT_CHARGED', 'REFUND_PENDING', 'REFUNDED'],
  NOT_CHARGED: ['REFUND_PENDING', 'REFUNDED'],
  REFUND_PENDING: ['REFUNDED', 'NOT_CHARGED', 'FAILED'],
  REFUNDED: [],
};

/** Reservation states in which the product service may still hold stock for the order. */
const STOCK_MAY_BE_HELD: readonly ReservationState[] = ['REQUESTED', 'ACTIVE', 'RELEASE_FAILED'];
/** Payment states of a cancelled order in which a refund is owed if a payment exists. */
const REFUND_OWED: readonly PaymentState[] = ['REFUND_PENDING', 'COMPLETED', 'REQUESTED', 'UNKNOWN'];

/** A change of one order, written as one conditional statement. */
export interface OrderChange {
  orderId: string;
  /** The status the order must still have for the change to apply. */
  expect: OrderStatus;
  /** A status move; the database appends its history entry in the same statement. */
  status?: { to: OrderStatus; by: string; reason: string | null };
  /** The cancellation's reason and code (with a move to CANCELLED, or a corrected reason). */
  cancellation?: Failure;
  reservationState?: ReservationState;
  paymentState?: PaymentState;
  paymentId?: string;
  pricing?: Pricing;
  /** A history entry that is not a status change: the status stays as it is. */
  note?: { by: string; reason: string };
  /** The carrier and tracking number, with the move to SHIPPED. */
  tracking?: Tracking;
}

/** A change that the state machine does not allow: a bug in the caller, never a lost race. */
export class IllegalOrderMoveError extends Error {
  override name = 'IllegalOrderMoveError';
}

export function mayHoldStock(order: Order): boolean {
  return STOCK_MAY_BE_HELD.includes(order.reservationState);
}

/** True when a cancelled order may still hold a payment that must be refunded. */
export function owesRefund(order: Order): boolean {
  return order.status === 'CANCELLED' && REFUND_OWED.includes(order.paymentState);
}

/** True when a charge may have been made: one was sent (and not known to have failed) or completed. */
export function mayBeCharged(order: Order): boolean {
  return order.paymentState === 'COMPLETED' || order.paymentState === 'REQUESTED' || order.paymentState === 'UNKNOWN';
}

export function canCancel(order: Order): boolean {
  return STATUS_MOVES[order.status].includes('CANCELLED');
}

/** Progress of the reservation and the charge that a cancellation records with it. */
export interface Progress {
  reservationState?: ReservationState;
  paymentState?: PaymentState;
  paymentId?: string;
}

/** The moves: each returns the change, checked against the tables above. */
export const moves = {
  /** The reservation confirmed with its prices, and the charge about to be sent: written before the charge. */
  priced: (order: Order, pricing: Pricing): OrderChange =>
    checked(order, { expect: 'PENDING', pricing, reservationState: 'ACTIVE', paymentState: 'REQUESTED' }),

  /** The payment service confirmed the charge of the order's total. */
  paid: (order: Order, paymentId: string, reason: string | null = null): OrderChange =>
    checked(order, { expect: 'PENDING', status: { to: 'PAID', by: SYSTEM, reason }, paymentState: 'COMPLETED', paymentId }),

  /** Neither charged nor known not to be: the order stays PENDING, with its stock, for the recovery job. */
  paymentUnknown: (order: Order): OrderChange => checked(order, { expect: 'PENDING', paymentState: 'UNKNOWN' }),

  /** PENDING or PAID -> CANCELLED, with why and what is known of the stock and the charge. */
  cancelled: (order: Order, failure: Failure, by: string, progress: Progress = {}): OrderChange =>
    checked(order, {
      expect: order.status,
      status: { to: 'CANCELLED', by, reason: failure.message },
      cancellation: failure,
      ...progress,
    }),

  /** PAID -> SHIPPED (with how it travels, when known) -> DELIVERED, by an admin. */
  fulfilled: (order: Order, to: 'SHIPPED' | 'DELIVERED', by: string, tracking?: Tracking): OrderChange =>
    checked(order, { expect: order.status, status: { to, by, reason: null }, ...(to === 'SHIPPED' && tracking ? { tracking } : {}) }),

  /** What became of the stock an order held (given back, or nothing was held, or the release failed). */
  stock: (order: Order, reservationState: ReservationState): OrderChange => checked(order, { expect: order.status, reservationState }),

  /** What became of a charge or a refund (refunded, owed, not charged and voided, declined). */
  payment: (order: Order, paymentState: PaymentState, paymentId?: string): OrderChange =>
    checked(order, { expect: order.status, paymentState, ...(paymentId === undefined ? {} : { paymentId }) }),

  /**
   * A payment found COMPLETED on a cancelled order recorded as not charged: the refund is owed, the
   * reason corrected so that it never says "not charged" of a charged order, and the history says why.
   */
  lateChargeFound: (order: Order, paymentId: string): OrderChange =>
    // Written before the refund is asked for: a stall between the two leaves the refund owed (the
    // recovery job finishes it) and the reason already true.
    lateCharge(order, paymentId, 'REFUND_PENDING'),

  /** A charge of a cancelled order that said "not charged", refunded already: the reason corrected, the history says why. */
  lateChargeRefunded: (order: Order, paymentId: string): OrderChange => lateCharge(order, paymentId, 'REFUNDED'),
};

/** A late charge of a cancelled order, its refund owed or made: the reason no longer says "not charged", and the history says why. */
function lateCharge(order: Order, paymentId: string, paymentState: 'REFUND_PENDING' | 'REFUNDED'): OrderChange {
  return checked(order, {
    expect: 'CANCELLED',
    paymentState,
    paymentId,
    cancellation: { code: order.failureCode ?? 'order_cancelled', message: reasonAfterLateCharge(order.cancellationReason) },
    note: { by: SYSTEM, reason: 'Charged after cancellation; refunded' },
  });
}

function checked(order: Order, change: Omit<OrderChange, 'orderId'>): OrderChange {
  if (change.expect !== order.status) throw new IllegalOrderMoveError(`order ${order.id} is ${order.status}, not ${change.expect}`);
  if (change.status) allow('status', STATUS_MOVES, order.status, change.status.to, { same: false });
  if (change.reservationState) allow('reservation', RESERVATION_MOVES, order.reservationState, change.reservationState);
  if (change.paymentState) allow('payment', PAYMENT_MOVES, order.paymentState, change.paymentState);
  return { orderId: order.id, ...change };
}

/** Progress may be written again as it is (a retried step); a status move is always to another status. */
function allow<S extends string>(what: string, table: Record<S, readonly S[]>, from: S, to: S, options = { same: true }): void {
  if (from === to && options.same) return;
  if (!table[from].includes(to)) throw new IllegalOrderMoveError(`${what} cannot move from ${from} to ${to}`);
}

/** The order as it is once `change` is applied at `at`: what the repository returns without reading it back. */
export function applied(order: Order, change: OrderChange, at: Date): Order {
  const next: Order = { ...order, updatedAt: at };
  if (change.reservationState) next.reservationState = change.reservationState;
  if (change.paymentState) next.paymentState = change.paymentState;
  if (change.paymentId !== undefined) next.paymentId = change.paymentId;
  if (change.tracking) next.tracking = change.tracking;
  if (change.cancellation) {
    next.cancellationReason = change.cancellation.message;
    next.failureCode = change.cancellation.code;
  }
  if (change.pricing) {
    const byProduct = new Map(change.pricing.items.map((item) => [item.productId, item]));
    next.totalCents = change.pricing.totalCents;
    next.items = order.items.map((item) => {
      const priced = byProduct.get(item.productId);
      return priced ? { ...item, name: priced.name, unitPriceCents: priced.unitPriceCents } : item;
    });
  }
  if (change.status) {
    next.status = change.status.to;
    next.history = [...order.history, { from: order.status, to: change.status.to, at, by: change.status.by, reason: change.status.reason }];
  } else if (change.note) {
    next.history = [...order.history, { from: order.status, to: order.status, at, by: change.note.by, reason: change.note.reason }];
  }
  return next;
}
