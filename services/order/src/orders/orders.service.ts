import { randomUUID } from 'node:crypto';
import { type Claims, formatCents, MAX_AMOUNT_CENTS, NotFoundError } from '@order-system/platform';
import type { PaymentAnswer, PaymentClient } from '../upstream/payment.client.js';
import type { ProductClient, ReservedLine } from '../upstream/product.client.js';
import type { CallContext } from '../upstream/upstream-client.js';
import { describeFailure, isRefusal, UpstreamError } from '../upstream/upstream-error.js';
import { lookUpAndSeal } from './charge-record.js';
import type { InFlightOrders } from './in-flight-orders.js';
import { type OrderFailure, type OrderLine, type OrderRecord, type PaymentState, type ReservationState, SYSTEM } from './order.types.js';
import { canRead } from './order-access.js';
import type { OrderCompensation } from './order-compensation.js';
import { failures } from './order-failures.js';
import type { OrdersRepository, Pricing } from './orders.repository.js';

export interface PlaceOrder {
  /** Chosen by the caller when the order id must be known before the order exists (Idempotency-Key). */
  orderId?: string;
  customerName: string;
  /** Set when a customer token placed the order; only that customer (and admins) may read it. */
  userId: string | null;
  lines: OrderLine[];
}

/** The order as recorded, and, unless it was paid, why not. */
export interface PlacedOrder {
  order: OrderRecord;
  failure: OrderFailure | null;
}

type ReservationResult = { ok: true; lines: ReservedLine[] } | { ok: false; failure: OrderFailure; mayBeHeld: boolean };
type ChargeResult =
  | { kind: 'completed'; paymentId: string }
  | { kind: 'refused'; failure: OrderFailure; paymentState: PaymentState }
  | { kind: 'unknown'; reason: string };

export class OrderNotFoundError extends NotFoundError {
  constructor() {
    super('Order not found');
  }
}

/**
 * The create-order workflow. Each step's outcome is written down before the next step starts, in
 * short transactions between the HTTP calls, so that whatever happens (a refusal, an outage, a
 * crash) the order tells how far it got and what is still held:
 *   1. the order, PENDING, with the requested items (its reservation about to be sent);
 *   2. the reservation (prices come from its answer, taken with the stock in one transaction);
 *   3. the price snapshots and the total (the charge about to be sent);
 *   4. the charge; 5. PAID, or CANCELLED with the stock given back.
 */
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly products: ProductClient,
    private readonly payments: PaymentClient,
    private readonly compensation: OrderCompensation,
    private readonly inFlight: InFlightOrders,
  ) {}

  /**
   * Runs the workflow with the order marked as in flight from before it is written until the
   * answer, so that neither a cancellation nor the recovery job acts on it meanwhile.
   */
  async placeOrder(request: PlaceOrder, ctx: CallContext): Promise<PlacedOrder> {
    const orderId = request.orderId ?? randomUUID();
    return this.inFlight.run(orderId, 'workflow', () => this.runWorkflow({ ...request, orderId }, ctx));
  }

  private async runWorkflow(request: PlaceOrder & { orderId: string }, ctx: CallContext): Promise<PlacedOrder> {
    const order = await this.orders.createPending({
      id: request.orderId,
      customerName: request.customerName,
      userId: request.userId,
      placedBy: request.userId ?? SYSTEM,
      lines: request.lines,
    });

    const reservation = await this.reserveStock(order, ctx);
    if (!reservation.ok) {
      return this.cancel(order, reservation.failure, reservation.mayBeHeld ? {} : { reservationState: 'NONE' }, ctx);
    }
    const pricing = priceOf(reservation.lines);
    if (pricing.totalCents > MAX_AMOUNT_CENTS) return this.cancel(order, failures.amountTooLarge, { reservationState: 'ACTIVE' }, ctx);

    const priced = await this.orders.recordPricing(order, pricing, { reservationState: 'ACTIVE', paymentState: 'REQUESTED' });
    const charge = await this.charge(priced, ctx);
    switch (charge.kind) {
      case 'completed':
        return this.markPaid(priced, charge.paymentId, ctx);
      case 'refused':
        return this.cancel(priced, charge.failure, { paymentState: charge.paymentState }, ctx);
      case 'unknown':
        return this.leavePending(priced, charge.reason, ctx);
    }
  }

  /** The order whatever its owner, for the service's own use; null when it does not exist. */
  findOrder(id: string): Promise<OrderRecord | null> {
    return this.orders.findById(id);
  }

  /** The order, if `viewer` may see it: anonymous orders by anyone with the id, others by their owner or an admin. */
  async getOrder(id: string | null, viewer: Claims | undefined): Promise<OrderRecord> {
    const order = id === null ? null : await this.orders.findById(id);
    if (!order || !canRead(order, viewer)) throw new OrderNotFoundError();
    return order;
  }

  /**
   * Step 2: one all-or-nothing reservation, keyed by the order id so that a retry reserves nothing
   * more. Its answer carries each product's name and price, taken with the stock.
   */
  private async reserveStock(order: OrderRecord, ctx: CallContext): Promise<ReservationResult> {
    try {
      const lines = await this.products.reserve(order.id, order.items, ctx);
      ctx.log.debug({ order_id: order.id }, 'stock reserved');
      return { ok: true, lines };
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      // A reservation is all or nothing, so a refusal means nothing is held, unless an earlier
      // attempt may have arrived (a timeout or a reset) and reserved: then it is released.
      const earlierMayHaveArrived = err.attempts.slice(0, -1).some((attempt) => attempt.kind !== 'unreachable');
      const refused = isRefusal(err.last) && !earlierMayHaveArrived;
      return { ok: false, failure: reservationFailure(err), mayBeHeld: !(err.neverArrived || refused) };
    }
  }

  /** Step 4: the charge, retried by the client on transient failures; an unclear outcome is looked up, never guessed. */
  private async charge(order: OrderRecord, ctx: CallContext): Promise<ChargeResult> {
    const total = order.totalCents ?? 0;
    try {
      return settle(await this.payments.charge(order.id, total, ctx), total);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      if (err.neverArrived) return { kind: 'refused', failure: failures.paymentServiceUnavailable, paymentState: 'NOT_CHARGED' };
      if (isFinalRefusal(err)) {
        ctx.log.error({ order_id: order.id, status: err.status, body: err.bodyField('error') }, 'payment service refused the charge');
        const failure = err.status === 401 || err.status === 403 ? failures.paymentServiceUnavailable : failures.paymentFailed;
        return { kind: 'refused', failure, paymentState: 'NOT_CHARGED' };
      }
      ctx.log.warn({ order_id: order.id, reason: describeFailure(err.last) }, 'charge outcome unknown; asking the payment service');
      return this.lookUpCharge(order, err, ctx);
    }
  }

  /**
   * After a charge whose outcome is unknown: the payment service's own record decides. When it
   * shows no charge, it is voided first, so the unclear charge cannot land after the order is
   * cancelled (see lookUpAndSeal); when the void cannot be confirmed, the outcome stays unknown.
   */
  private async lookUpCharge(order: OrderRecord, chargeError: UpstreamError, ctx: CallContext): Promise<ChargeResult> {
    const record = await lookUpAndSeal(this.payments, order.id, 'Charge outcome unknown; cancelling the order as not charged', ctx);
    switch (record.kind) {
      case 'unknown':
        return { kind: 'unknown', reason: `charge: ${describeFailure(chargeError.last)}; ${record.reason}` };
      case 'charged':
        return settle(record.payment, order.totalCents ?? 0);
      case 'not_charged': {
        if (record.declined) return { kind: 'refused', failure: failures.paymentFailed, paymentState: 'FAILED' };
        // Nothing was charged, and nothing can be any more. An answering service that kept failing
        // is a failed payment; one that never answered in time is unavailable.
        const failure = chargeError.last.kind === 'http' ? failures.paymentFailed : failures.paymentServiceUnavailable;
        return { kind: 'refused', failure, paymentState: 'NOT_CHARGED' };
      }
    }
  }

  /** Step 5, success. */
  private async markPaid(order: OrderRecord, paymentId: string, ctx: CallContext): Promise<PlacedOrder> {
    const paid = await this.orders.transition(order, {
      from: 'PENDING',
      to: 'PAID',
      by: SYSTEM,
      reason: null,
      progress: { paymentState: 'COMPLETED', paymentId },
    });
    ctx.log.info({ order_id: order.id, payment_id: paymentId }, 'order paid');
    return { order: paid, failure: null };
  }

  /**
   * Step 5, failure: the decision is recorded first, then any stock is given back. A release that
   * fails is recorded as RELEASE_FAILED for the recovery job; the order stays cancelled.
   */
  private async cancel(
    order: OrderRecord,
    failure: OrderFailure,
    progress: { paymentState?: PaymentState; reservationState?: ReservationState },
    ctx: CallContext,
  ): Promise<PlacedOrder> {
    const cancelled = await this.orders.transition(order, {
      from: 'PENDING',
      to: 'CANCELLED',
      by: SYSTEM,
      reason: failure.message,
      cancellationReason: failure.message,
      progress,
    });
    ctx.log.warn({ order_id: order.id, code: failure.code, reason: failure.message }, 'order cancelled');
    const released = await this.compensation.releaseStock(cancelled, ctx);
    return { order: released, failure };
  }

  /** Neither charged nor known not to be: keep the order and its stock for the recovery job. */
  private async leavePending(order: OrderRecord, reason: string, ctx: CallContext): Promise<PlacedOrder> {
    const pending = await this.orders.recordProgress(order, { paymentState: 'UNKNOWN' });
    ctx.log.warn({ order_id: order.id, reason }, 'payment outcome unknown; order left PENDING with its reservation');
    return { order: pending, failure: failures.paymentPending };
  }
}

/** The price snapshot of each line, as reserved, and the total: Σ price × quantity in cents, computed here. */
function priceOf(lines: ReservedLine[]): Pricing {
  return { items: lines, totalCents: lines.reduce((total, line) => total + line.unitPriceCents * line.quantity, 0) };
}

function settle(payment: PaymentAnswer, totalCents: number): ChargeResult {
  if (payment.status === 'FAILED') return { kind: 'refused', failure: failures.paymentFailed, paymentState: 'FAILED' };
  // A tombstone: the order's payment was voided before anything was charged (a charge is refused with 409, never answered VOIDED).
  if (payment.status === 'VOIDED') return { kind: 'refused', failure: failures.paymentFailed, paymentState: 'NOT_CHARGED' };
  if (payment.status === 'COMPLETED' && payment.amount === formatCents(totalCents)) return { kind: 'completed', paymentId: payment.id };
  // A completed payment of another amount, or a refunded one, is not ours to decide about here.
  return { kind: 'unknown', reason: `payment ${payment.id} is ${payment.status} for ${payment.amount}` };
}

/** A 4xx other than 409 (a payment exists) and 429 (slow down): the charge was refused and will not be made. */
function isFinalRefusal(err: UpstreamError): boolean {
  return isRefusal(err.last) && err.status !== 409;
}

function reservationFailure(err: UpstreamError): OrderFailure {
  const productId = err.bodyField('product_id');
  if (typeof productId === 'number') {
    if (err.hasStatus(404) && err.bodyField('code') === 'product_not_found') return failures.productNotFound(productId);
    if (err.hasStatus(409) && err.bodyField('code') === 'out_of_stock') return failures.outOfStock(productId);
  }
  return failures.productServiceUnavailable;
}
