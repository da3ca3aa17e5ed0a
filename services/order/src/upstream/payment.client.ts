import { type PaymentStatus, paymentConflictJson, paymentJson } from '@order-system/contracts';
import { formatCents } from '@order-system/platform';
import { z } from 'zod';
import type { RequestContext, UpstreamClient } from './upstream-client.js';
import { UpstreamError } from './upstream-error.js';

// Only the fields the order service relies on, so new fields on the payment side change nothing here.
const paymentAnswer = paymentJson.pick({ id: true, order_id: true, amount: true, status: true });
export type PaymentAnswer = z.infer<typeof paymentAnswer>;
const listedPayment = paymentJson.pick({ id: true, order_id: true, amount: true, status: true, updated_at: true });
export type ListedPayment = z.infer<typeof listedPayment>;
const paymentPage = z.array(listedPayment);

/** Which payments to list: at most `limit`, oldest change first. */
export interface PaymentQuery {
  orderIds?: string[];
  status?: PaymentStatus;
  /** Only payments changed after this instant. */
  updatedAfter?: Date;
  limit: number;
  offset?: number;
}

/** The payment service as the order service needs it (the port its use cases depend on). */
export interface PaymentPort {
  charge(orderId: string, amountCents: number, ctx: RequestContext): Promise<PaymentAnswer>;
  find(orderId: string, ctx: RequestContext): Promise<PaymentAnswer | null>;
  refund(orderId: string, reason: string, ctx: RequestContext): Promise<RefundOutcome>;
  void(orderId: string, reason: string, ctx: RequestContext): Promise<VoidOutcome>;
  list(query: PaymentQuery, ctx: RequestContext): Promise<ListedPayment[]>;
}

export class PaymentClient implements PaymentPort {
  constructor(private readonly http: UpstreamClient) {}

  /**
   * Charges the order. Retried on transient failures: the payment service keeps one payment per
   * order id and answers a repeat with the payment it already has, so a retry never charges twice.
   */
  async charge(orderId: string, amountCents: number, ctx: RequestContext): Promise<PaymentAnswer> {
    const { status, body } = await this.http.send(
      {
        operation: 'charge',
        method: 'POST',
        path: '/api/payments/',
        body: { order_id: orderId, amount: formatCents(amountCents) },
        retry: true,
      },
      ctx,
    );
    return parseAnswer('charge', status, body);
  }

  /** The order's payment, or null when the payment service has none. */
  async find(orderId: string, ctx: RequestContext): Promise<PaymentAnswer | null> {
    try {
      const { status, body } = await this.http.send(
        { operation: 'get payment', method: 'GET', path: `/api/payments/${orderId}/`, retry: true },
        ctx,
      );
      return parseAnswer('get payment', status, body);
    } catch (err) {
      if (err instanceof UpstreamError && err.hasStatus(404) && isPaymentNotFound(err)) return null;
      throw err;
    }
  }

  /**
   * Refunds the order's payment. Retried on transient failures: the payment service answers a
   * repeat with the refunded payment and gives nothing back twice.
   */
  async refund(orderId: string, reason: string, ctx: RequestContext): Promise<RefundOutcome> {
    try {
      const { status, body } = await this.http.send(
        { operation: 'refund', method: 'POST', path: `/api/payments/${orderId}/refund/`, body: { reason }, retry: true },
        ctx,
      );
      return { kind: 'refunded', payment: parseAnswer('refund', status, body) };
    } catch (err) {
      if (err instanceof UpstreamError && err.hasStatus(404) && isPaymentNotFound(err)) return { kind: 'not_found' };
      if (err instanceof UpstreamError && err.hasStatus(409) && err.bodyField('code') === 'payment_not_refundable') {
        // FAILED (declined) or VOIDED (sealed, nothing charged); older answers do not say, and were FAILED.
        return { kind: 'not_refundable', status: err.bodyField('status') === 'VOIDED' ? 'VOIDED' : 'FAILED' };
      }
      throw err;
    }
  }

  /**
   * Voids the order's payment record so that no charge can land on it any more: the payment service
   * stores a VOIDED tombstone (or turns a FAILED payment VOIDED), and refuses any later charge with
   * 409 payment_voided. Called before concluding "not charged" after a charge whose outcome was
   * unclear, since that charge may still be on its way. If the charge landed first, the void is
   * refused with the payment (409 payment_completed / payment_refunded): the order was charged.
   * Retried on transient failures: a repeated void answers the same VOIDED record.
   */
  async void(orderId: string, reason: string, ctx: RequestContext): Promise<VoidOutcome> {
    try {
      const { status, body } = await this.http.send(
        { operation: 'void payment', method: 'POST', path: `/api/payments/${orderId}/void/`, body: { reason }, retry: true },
        ctx,
      );
      return { kind: 'voided', payment: parseAnswer('void payment', status, body) };
    } catch (err) {
      if (err instanceof UpstreamError && err.hasStatus(409) && err.last.kind === 'http') {
        const refusal = paymentConflictJson.safeParse(err.last.body);
        if (refusal.success && (refusal.data.code === 'payment_completed' || refusal.data.code === 'payment_refunded')) {
          const { payment_id: id, order_id, amount, status } = refusal.data;
          return { kind: 'charged', payment: { id, order_id, amount, status } };
        }
      }
      throw err;
    }
  }
  /** One page of the payments that match (GET /api/payments/, for services and admins), oldest change first. */
  async list(query: PaymentQuery, ctx: RequestContext): Promise<ListedPayment[]> {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.offset) params.set('offset', String(query.offset));
    if (query.status) params.set('status', query.status);
    if (query.updatedAfter) params.set('updated_after', query.updatedAfter.toISOString());
    if (query.orderIds) params.set('order_ids', query.orderIds.join(','));
    const { status, body } = await this.http.send(
      { operation: 'list payments', method: 'GET', path: `/api/payments/?${params}`, retry: true },
      ctx,
    );
    const page = paymentPage.safeParse(body);
    if (!page.success) throw new UpstreamError('payment', 'list payments', { kind: 'http', status, body });
    return page.data;
  }
}

/**
 * What a refund request found: the payment refunded (now or before), no payment, or one with
 * nothing to give back: FAILED (declined) or VOIDED (sealed before anything was charged).
 */
export type RefundOutcome =
  | { kind: 'refunded'; payment: PaymentAnswer }
  | { kind: 'not_found' }
  | { kind: 'not_refundable'; status: Extract<PaymentStatus, 'FAILED' | 'VOIDED'> };

/**
 * What a void found: voided (now or before: nothing was charged, and nothing can be any more), or
 * the order was charged after all (the payment, COMPLETED or REFUNDED, from the 409 that refused the void).
 */
export type VoidOutcome = { kind: 'voided'; payment: PaymentAnswer } | { kind: 'charged'; payment: PaymentAnswer };

function isPaymentNotFound(err: UpstreamError): boolean {
  const code = err.bodyField('code');
  return code === 'not_found' || code === 'payment_not_found';
}

function parseAnswer(operation: string, status: number, body: unknown): PaymentAnswer {
  const parsed = paymentAnswer.safeParse(body);
  if (!parsed.success) throw new UpstreamError('payment', operation, { kind: 'http', status, body });
  return parsed.data;
}
