import { randomUUID } from 'node:crypto';
import { type Counter, formatCents, isDatabaseUnavailable, MAX_AMOUNT_CENTS } from '@order-system/platform';
import type { PaymentAnswer, PaymentPort } from '../../upstream/payment.client.js';
import type { ProductPort } from '../../upstream/product.client.js';
import type { RequestContext } from '../../upstream/upstream-client.js';
import { describeFailure, isRefusal, UpstreamError } from '../../upstream/upstream-error.js';
import { lookUpAndSeal } from '../compensation/charge-record.js';
import type { OrderCompensation } from '../compensation/order-compensation.js';
import { fencedWrite, SupersededError } from '../concurrency/fenced-write.js';
import type { Lease, OrderLeases } from '../concurrency/order-leases.js';
import {
  type Order,
  type OrderLine,
  type PaymentState,
  type PricedLine,
  type Pricing,
  type ReservationState,
  type ShippingAddress,
  SYSTEM,
} from '../domain/order.js';
import { type Failure, failures } from '../domain/order-failures.js';
import { mayHoldStock, moves } from '../domain/order-state.js';
import type { CreateCondition, OrdersRepository, PaidFollowUps } from '../orders.repository.js';

export interface PlaceOrderRequest {
  /** Chosen by the caller when the order id must be known before the order exists (Idempotency-Key). */
  orderId?: string;
  customerName: string;
  /** Set when a customer token placed the order; only that customer (and admins) may read it. */
  userId: string | null;
  lines: OrderLine[];
  shippingAddress?: ShippingAddress | null;
  /**
   * Set when the order is a cart's checkout: `claim` claims the cart for the order, written with the
   * order's insert (no claim, no order), and the cart is emptied with the order's PAID.
   */
  cart?: { claim: CreateCondition };
}

export interface PlaceOrderOptions {
  /** What goes with the PAID of an order placed from a cart, in the same transaction: the cart emptied. */
  paidFollowUps?: PaidFollowUps;
}

/**
 * How placing an order ended:
 * - paid: charged, PAID;
 * - cancelled: CANCELLED, with why (stock given back, nothing charged or the charge refunded);
 * - pending: the charge's outcome could not be known; PENDING, with its stock, for the recovery job;
 * - superseded: another worker has the order (a request under the same Idempotency-Key wrote it
 *   first, or this one stalled past its lease and was taken over): the order as it now is;
 * - not_placed: the request's cart could not be claimed (it changed, or another checkout claimed
 *   it): nothing was written.
 */
export type Placement =
  | { kind: 'paid'; order: Order }
  | { kind: 'cancelled'; order: Order; failure: Failure }
  | { kind: 'pending'; order: Order }
  | { kind: 'superseded'; order: Order | null }
  | { kind: 'not_placed'; order: null };

type ReservationResult = { ok: true; lines: PricedLine[] } | { ok: false; failure: Failure; mayBeHeld: boolean };
type ChargeResult =
  | { kind: 'completed'; paymentId: string }
  | { kind: 'refused'; failure: Failure; paymentState: PaymentState }
  | { kind: 'unknown'; reason: string };

/**
 * POST /api/orders/: the create-order workflow. Each step's outcome is written down before the next
 * step starts, in short writes between the HTTP calls, so that whatever happens (a refusal, an
 * outage, a crash, a stall) the order tells how far it got and what is still held:
 *   1. the order, PENDING, with the requested items, held by this workflow (its lease);
 *   2. the reservation (prices come from its answer, taken with the stock in one transaction);
 *   3. the price snapshots and the total, the charge about to be sent;
 *   4. the charge; 5. PAID, or CANCELLED with the stock given back.
 * Every write is fenced by the workflow's lease: if this process stalled and the recovery job of
 * another replica took the order over, the write is refused, and the workflow stops at once and
 * answers from the order as the other worker left it.
 */
export class PlaceOrder {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly leases: OrderLeases,
    private readonly products: ProductPort,
    private readonly payments: PaymentPort,
    private readonly compensation: OrderCompensation,
    /** orders_total: one per order placed, by final status and failure code ('none' when PAID). */
    private readonly placed: Counter<'status' | 'code'>,
    private readonly options: PlaceOrderOptions = {},
  ) {}

  async place(request: PlaceOrderRequest, ctx: RequestContext): Promise<Placement> {
    const orderId = request.orderId ?? randomUUID();
    const placement = await this.leases.forNewOrder(orderId, (lease) => this.run({ ...request, orderId }, lease, ctx));
    if (placement.kind !== 'superseded' && placement.kind !== 'not_placed') {
      const code = placement.kind === 'cancelled' ? placement.failure.code : placement.kind === 'pending' ? 'payment_pending' : 'none';
      this.placed.inc({ status: placement.order.status, code });
    }
    return placement;
  }

  private async run(request: PlaceOrderRequest & { orderId: string }, lease: Lease, ctx: RequestContext): Promise<Placement> {
    const created = await this.orders.create(
      {
        id: request.orderId,
        customerName: request.customerName,
        userId: request.userId,
        placedBy: request.userId ?? SYSTEM,
        lines: request.lines,
        shippingAddress: request.shippingAddress ?? null,
      },
      { token: lease.token, ttlMs: this.leases.ttlMs },
      request.cart?.claim,
    );
    if (created.kind === 'refused') return { kind: 'not_placed', order: null };
    // Written by another request under the same Idempotency-Key: its order is the answer.
    if (created.kind === 'exists') return { kind: 'superseded', order: created.order };
    lease.recorded();
    const order = created.order;
    const paidFollowUps = request.cart && this.options.paidFollowUps ? this.options.paidFollowUps : () => [];
    try {
      return await this.decide(order, lease, paidFollowUps, ctx);
    } catch (err) {
      if (err instanceof SupersededError) {
        ctx.log.warn({ order_id: order.id }, 'the order was taken over by another worker; this workflow stopped');
        return { kind: 'superseded', order: await this.orders.findById(order.id) };
      }
      // A write failed for want of the database (its connection ended under a stall): the order is
      // written, and the recovery job decides it as it would after a crash. It is answered as it is.
      if (!isDatabaseUnavailable(err)) throw err;
      const current = await this.orders.findById(order.id).catch(() => null);
      if (!current) throw err;
      ctx.log.warn({ order_id: order.id, err }, 'the database failed under the workflow; the order is left to the recovery job');
      return { kind: 'superseded', order: current };
    }
  }

  private async decide(order: Order, lease: Lease, paidFollowUps: PaidFollowUps, ctx: RequestContext): Promise<Placement> {
    const reservation = await this.reserveStock(order, ctx);
    if (!reservation.ok) {
      return this.cancel(order, reservation.failure, reservation.mayBeHeld ? {} : { reservationState: 'NONE' }, lease, ctx);
    }
    const pricing = priceOf(reservation.lines);
    if (pricing.totalCents > MAX_AMOUNT_CENTS)
      return this.cancel(order, failures.amountTooLarge, { reservationState: 'ACTIVE' }, lease, ctx);

    const priced = await fencedWrite(this.orders, order, moves.priced(order, pricing), lease);
    // A renewal found the lease gone: the order may be another worker's already. Its writes would be
    // refused anyway; not sending the charge spares the payment service a call that would be refused.
    if (lease.lost) throw new SupersededError(order.id);
    const charge = await this.charge(priced, ctx);
    switch (charge.kind) {
      case 'completed': {
        const paid = await fencedWrite(this.orders, priced, moves.paid(priced, charge.paymentId), lease, {
          last: true,
          alongside: paidFollowUps(order.id),
        });
        ctx.log.info({ order_id: order.id, payment_id: charge.paymentId }, 'order paid');
        return { kind: 'paid', order: paid };
      }
      case 'refused':
        return this.cancel(priced, charge.failure, { paymentState: charge.paymentState }, lease, ctx);
      case 'unknown': {
        // Neither charged nor known not to be: the order keeps its stock, for the recovery job.
        const pending = await fencedWrite(this.orders, priced, moves.paymentUnknown(priced), lease, { last: true });
        ctx.log.warn({ order_id: order.id, reason: charge.reason }, 'payment outcome unknown; order left PENDING with its reservation');
        return { kind: 'pending', order: pending };
      }
    }
  }

  /**
   * Step 2: one all-or-nothing reservation, keyed by the order id so that a retry reserves nothing
   * more. Its answer carries each product's name and price, taken with the stock.
   */
  private async reserveStock(order: Order, ctx: RequestContext): Promise<ReservationResult> {
    try {
      const lines = await this.products.reserve(order.id, order.items, ctx);
      ctx.log.debug({ order_id: order.id }, 'stock reserved');
      return { ok: true, lines };
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      // A reservation is all or nothing, so a refusal means nothing is held, unless an earlier
      // attempt may have arrived (a timeout or a reset) and reserved: then it is voided.
      const earlierMayHaveArrived = err.attempts.slice(0, -1).some((attempt) => attempt.kind !== 'unreachable');
      const refused = isRefusal(err.last) && !earlierMayHaveArrived;
      const failure = reservationFailure(err);
      if (failure.code === 'product_service_unavailable') {
        ctx.log.warn({ order_id: order.id, reason: describeFailure(err.last), answer: err.bodyField('error') }, 'reservation failed');
      }
      return { ok: false, failure, mayBeHeld: !(err.neverArrived || refused) };
    }
  }

  /** Step 4: the charge, retried by the client on transient failures; an unclear outcome is looked up, never guessed. */
  private async charge(order: Order, ctx: RequestContext): Promise<ChargeResult> {
    const total = order.totalCents ?? 0;
    try {
      const answer = await this.payments.charge(order.id, total, ctx);
      // Declined. A FAILED payment is processed again by a later charge of the order, and an earlier
      // attempt of this one may still be on its way: sealed (voided) before "not charged", like the rest.
      if (answer.status === 'FAILED') return this.lookUpCharge(order, null, ctx);
      return settle(answer, total);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      if (err.neverArrived) return { kind: 'refused', failure: failures.paymentServiceUnavailable, paymentState: 'NOT_CHARGED' };
      // A refusal is final only when no earlier attempt can have arrived (a timeout or a reset before it).
      const earlierMayHaveArrived = err.attempts.slice(0, -1).some((attempt) => attempt.kind !== 'unreachable');
      if (isFinalRefusal(err) && !earlierMayHaveArrived) {
        ctx.log.warn({ order_id: order.id, status: err.status, answer: err.bodyField('error') }, 'payment service refused the charge');
        const failure = err.status === 401 || err.status === 403 ? failures.paymentServiceUnavailable : failures.paymentFailed;
        return { kind: 'refused', failure, paymentState: 'NOT_CHARGED' };
      }
      ctx.log.warn({ order_id: order.id, reason: describeFailure(err.last) }, 'charge outcome unknown; asking the payment service');
      return this.lookUpCharge(order, err, ctx);
    }
  }

  /**
   * After a charge whose outcome is unknown (or that was declined: `chargeError` null): the payment
   * service's own record decides. When it
   * shows no charge, it is voided first, so the unclear charge cannot land after the order is
   * cancelled (see lookUpAndSeal); when the void cannot be confirmed, the outcome stays unknown.
   */
  private async lookUpCharge(order: Order, chargeError: UpstreamError | null, ctx: RequestContext): Promise<ChargeResult> {
    const record = await lookUpAndSeal(this.payments, order.id, 'Charge outcome unknown; cancelling the order as not charged', ctx);
    const charge = chargeError ? describeFailure(chargeError.last) : 'declined';
    switch (record.kind) {
      case 'unknown':
        return { kind: 'unknown', reason: `charge: ${charge}; ${record.reason}` };
      case 'charged':
        return settle(record.payment, order.totalCents ?? 0);
      case 'not_charged': {
        if (record.declined) return { kind: 'refused', failure: failures.paymentFailed, paymentState: 'FAILED' };
        // Nothing was charged, and nothing can be any more. An answering service that kept failing
        // is a failed payment; one that never answered in time is unavailable.
        const failure = !chargeError || chargeError.last.kind === 'http' ? failures.paymentFailed : failures.paymentServiceUnavailable;
        return { kind: 'refused', failure, paymentState: 'NOT_CHARGED' };
      }
    }
  }

  /**
   * Step 5, failure: the decision is recorded first, then any stock is given back. A release that
   * fails is recorded as RELEASE_FAILED for the recovery job; the order stays cancelled.
   */
  private async cancel(
    order: Order,
    failure: Failure,
    progress: { paymentState?: PaymentState; reservationState?: ReservationState },
    lease: Lease,
    ctx: RequestContext,
  ): Promise<Placement> {
    const change = moves.cancelled(order, failure, SYSTEM, progress);
    // Nothing to give back (the reservation was refused): the decision is the workflow's last write.
    const last = !mayHoldStock({ ...order, reservationState: progress.reservationState ?? order.reservationState });
    const cancelled = await fencedWrite(this.orders, order, change, lease, { last });
    ctx.log.info({ order_id: order.id, code: failure.code, reason: failure.message }, 'order cancelled');
    const settled = await this.compensation.returnStock(cancelled, lease, ctx);
    return { kind: 'cancelled', order: settled, failure };
  }
}

/** The price snapshot of each line, as reserved, and the total: Σ price × quantity in cents, computed here. */
function priceOf(lines: PricedLine[]): Pricing {
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

/** A 4xx other than 409 (a payment exists, or it was voided) and 429 (slow down): the charge was refused and will not be made. */
function isFinalRefusal(err: UpstreamError): boolean {
  return isRefusal(err.last) && err.status !== 409;
}

function reservationFailure(err: UpstreamError): Failure {
  const productId = err.bodyField('product_id');
  if (typeof productId === 'number') {
    if (err.hasStatus(404) && err.bodyField('code') === 'product_not_found') return failures.productNotFound(productId);
    if (err.hasStatus(409) && err.bodyField('code') === 'out_of_stock') return failures.outOfStock(productId);
  }
  return failures.productServiceUnavailable;
}
