import type { PaymentAnswer, PaymentPort } from '../../upstream/payment.client.js';
import type { RequestContext } from '../../upstream/upstream-client.js';
import { describeFailure, UpstreamError } from '../../upstream/upstream-error.js';

/**
 * What the payment service's record says about a charge whose outcome was unclear:
 * - charged: a COMPLETED or REFUNDED payment;
 * - not_charged: no payment, a FAILED one (`declined`) or a VOIDED one; in every case the record is
 *   VOIDED now, so no charge can land on the order any more;
 * - unknown: the payment service could not tell (the lookup or the void did not get through).
 */
export type ChargeRecord =
  | { kind: 'charged'; payment: PaymentAnswer }
  | { kind: 'not_charged'; declined: boolean }
  | { kind: 'unknown'; reason: string };

/**
 * Reads the order's payment and, when it shows no charge, voids it before anyone concludes "not
 * charged". A charge that timed out may still be travelling: without the void it could land after
 * the order was cancelled and its stock released, and nothing would refund it. With the void, the
 * payment service refuses it (409 payment_voided); and if it landed between the lookup and the
 * void, the void is refused with the payment (409 payment_completed), which is then the answer.
 */
export async function lookUpAndSeal(payments: PaymentPort, orderId: string, reason: string, ctx: RequestContext): Promise<ChargeRecord> {
  let payment: PaymentAnswer | null;
  try {
    payment = await payments.find(orderId, ctx);
  } catch (err) {
    if (!(err instanceof UpstreamError)) throw err;
    return { kind: 'unknown', reason: `lookup: ${describeFailure(err.last)}` };
  }
  if (payment?.status === 'COMPLETED' || payment?.status === 'REFUNDED') return { kind: 'charged', payment };
  if (payment?.status === 'VOIDED') return { kind: 'not_charged', declined: false };
  // None or FAILED: not charged so far. Seal it, so that the unclear charge cannot land (nor process
  // a FAILED payment again) after this decision.
  try {
    const sealed = await payments.void(orderId, reason, ctx);
    if (sealed.kind === 'charged') {
      ctx.log.warn(
        { order_id: orderId, payment_id: sealed.payment.id, payment_status: sealed.payment.status, amount: sealed.payment.amount },
        'the charge landed before the void: the order was charged',
      );
      return { kind: 'charged', payment: sealed.payment };
    }
  } catch (err) {
    if (!(err instanceof UpstreamError)) throw err;
    return { kind: 'unknown', reason: `void: ${describeFailure(err.last)}` };
  }
  ctx.log.info({ order_id: orderId, found: payment?.status ?? null }, 'payment voided: not charged, and a late charge will be refused');
  return { kind: 'not_charged', declined: payment?.status === 'FAILED' };
}
