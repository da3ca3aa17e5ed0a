import type { PaymentListQuery, PaymentRequest } from '@order-system/contracts';
import { ConflictError, type Counter, formatCents, type Logger, NotFoundError, type RequestContext } from '@order-system/platform';
import type { Payment } from '../generated/prisma/client.js';
import type { ChargeOutcome, PaymentsRepository, RefundOutcome, VoidOutcome } from './payments.repository.js';
import type { SimulatedProcessor } from './processor.js';

export class PaymentNotFoundError extends NotFoundError {
  constructor() {
    super('Payment not found', 'payment_not_found');
  }
}

export class PaymentAmountMismatchError extends ConflictError {
  constructor(payment: Payment) {
    super(
      'payment_amount_mismatch',
      `This order is already paid with another amount (${formatCents(payment.amountCents)}); nothing was charged`,
      { extra: { payment_id: payment.id, order_id: payment.orderId } },
    );
  }
}

export class PaymentRefundedError extends ConflictError {
  constructor(payment: Payment) {
    super('payment_refunded', 'The payment of this order was refunded; it cannot be charged again', {
      extra: { payment_id: payment.id, order_id: payment.orderId },
    });
  }
}

export class PaymentNotRefundableError extends ConflictError {
  constructor(payment: Payment) {
    super(
      'payment_not_refundable',
      payment.status === 'VOIDED' ? 'A voided payment cannot be refunded; nothing was charged' : 'A failed payment cannot be refunded',
      { extra: { payment_id: payment.id, order_id: payment.orderId, status: payment.status } },
    );
  }
}

export class PaymentVoidedError extends ConflictError {
  constructor(payment: Payment) {
    super('payment_voided', 'The payment of this order was voided; nothing was charged', {
      extra: { payment_id: payment.id, order_id: payment.orderId },
    });
  }
}

/** The payment's fields on a refused void, so the caller learns from the refusal that the order was charged. */
const chargedFields = (payment: Payment) => ({
  payment_id: payment.id,
  order_id: payment.orderId,
  amount: formatCents(payment.amountCents),
  status: payment.status,
});

export class PaymentCompletedError extends ConflictError {
  constructor(payment: Payment) {
    super('payment_completed', 'The order was charged; a completed payment cannot be voided (refund it instead)', {
      extra: chargedFields(payment),
    });
  }
}

export class VoidOfRefundedError extends ConflictError {
  constructor(payment: Payment) {
    super('payment_refunded', 'The payment of this order was refunded; it cannot be voided', { extra: chargedFields(payment) });
  }
}

export interface ChargeResult {
  /** True when this request processed a charge (a new payment, or a FAILED one tried again). */
  processed: boolean;
  payment: Payment;
}

export const CHARGE_OUTCOMES: readonly (ChargeOutcome['kind'] | 'unavailable')[] = [
  'created',
  'retried',
  'already_completed',
  'amount_mismatch',
  'refunded',
  'voided',
  'unavailable',
];
export const REFUND_OUTCOMES: readonly RefundOutcome['kind'][] = ['refunded', 'already_refunded', 'not_refundable', 'not_found'];
export const VOID_OUTCOMES: readonly (VoidOutcome['kind'] | 'not_found')[] = [
  'voided',
  'already_voided',
  'completed',
  'refunded',
  'not_found',
];

/** payments_total (charges; 'unavailable' when the processor refused), payment_refunds_total and payment_voids_total, by outcome. */
export interface PaymentCounters {
  charges: Counter<'outcome'>;
  refunds: Counter<'outcome'>;
  voids: Counter<'outcome'>;
}

/**
 * One payment per order, never two charges. The processor may refuse before anything is
 * stored (503); once a charge is stored, its answer may be slow, and a repeat of the request
 * answers with the stored payment instead of charging again.
 */
export class PaymentsService {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly processor: SimulatedProcessor,
    private readonly counters: PaymentCounters,
  ) {}

  async charge(request: PaymentRequest, { log }: RequestContext): Promise<ChargeResult> {
    const { order_id: orderId, amount } = request;
    try {
      this.processor.assertAvailable();
    } catch (err) {
      this.counters.charges.inc({ outcome: 'unavailable' });
      log.warn({ order_id: orderId }, 'payment refused: processor unavailable (injected fault)');
      throw err;
    }
    const outcome = await this.payments.charge(orderId, amount, this.processor.outcome(amount));
    this.counters.charges.inc({ outcome: outcome.kind });
    logCharge(outcome, amount, log);
    // Outside the transaction: the charge is committed and readable while the caller waits.
    await this.processor.respondDelay();
    switch (outcome.kind) {
      case 'created':
      case 'retried':
        return { processed: true, payment: outcome.payment };
      case 'already_completed':
        return { processed: false, payment: outcome.payment };
      case 'amount_mismatch':
        throw new PaymentAmountMismatchError(outcome.payment);
      case 'refunded':
        throw new PaymentRefundedError(outcome.payment);
      case 'voided':
        throw new PaymentVoidedError(outcome.payment);
    }
  }

  /** The payments that pass the query's filters, a page at a time (for services and admins reconciling). */
  list(query: PaymentListQuery): Promise<{ items: Payment[]; total: number }> {
    return this.payments.list(query);
  }

  async get(orderId: string | null): Promise<Payment> {
    const payment = orderId === null ? null : await this.payments.findByOrderId(orderId);
    if (!payment) throw new PaymentNotFoundError();
    return payment;
  }

  async refund(orderId: string | null, reason: string | undefined, { log }: RequestContext): Promise<Payment> {
    const outcome = orderId === null ? ({ kind: 'not_found' } as const) : await this.payments.refund(orderId);
    this.counters.refunds.inc({ outcome: outcome.kind });
    switch (outcome.kind) {
      case 'not_found':
        throw new PaymentNotFoundError();
      case 'not_refundable':
        log.info({ order_id: orderId, payment_id: outcome.payment.id }, `refund refused: payment ${outcome.payment.status}`);
        throw new PaymentNotRefundableError(outcome.payment);
      case 'refunded':
        log.info(
          { order_id: orderId, payment_id: outcome.payment.id, amount: formatCents(outcome.payment.amountCents), reason: reason ?? null },
          'payment refunded',
        );
        return outcome.payment;
      case 'already_refunded':
        return outcome.payment;
    }
  }

  /**
   * Seals the order's payment so that no charge can land on it any more (see the repository). The
   * order service voids before it concludes "not charged" from a lookup that found nothing, so a
   * charge still on its way is refused (409 payment_voided) instead of landing on a cancelled order.
   * Like a refund, it is never refused by the PAYMENT_FAILURE_RATE fault.
   */
  async void(orderId: string | null, reason: string | undefined, { log }: RequestContext): Promise<Payment> {
    if (orderId === null) {
      this.counters.voids.inc({ outcome: 'not_found' });
      throw new PaymentNotFoundError();
    }
    const outcome = await this.payments.void(orderId);
    this.counters.voids.inc({ outcome: outcome.kind });
    logVoid(outcome, reason ?? null, log);
    switch (outcome.kind) {
      case 'voided':
      case 'already_voided':
        return outcome.payment;
      case 'completed':
        throw new PaymentCompletedError(outcome.payment);
      case 'refunded':
        throw new VoidOfRefundedError(outcome.payment);
    }
  }
}

function logVoid(outcome: VoidOutcome, reason: string | null, log: Logger): void {
  const fields = { order_id: outcome.payment.orderId, payment_id: outcome.payment.id, previous_status: outcome.previous, reason };
  switch (outcome.kind) {
    case 'voided':
      log.info(fields, 'payment voided');
      break;
    case 'already_voided':
      log.info(fields, 'repeated void: payment already voided');
      break;
    case 'completed':
      log.warn({ ...fields, amount: formatCents(outcome.payment.amountCents) }, 'void refused: payment completed');
      break;
    case 'refunded':
      log.warn(fields, 'void refused: payment refunded');
      break;
  }
}

function logCharge(outcome: ChargeOutcome, amountCents: number, log: Logger): void {
  const fields = { order_id: outcome.payment.orderId, payment_id: outcome.payment.id, amount: formatCents(amountCents) };
  switch (outcome.kind) {
    case 'created':
      log.info({ ...fields, status: outcome.payment.status }, `payment ${outcome.payment.status.toLowerCase()}`);
      break;
    case 'retried':
      log.info(
        { ...fields, status: outcome.payment.status, previous_status: 'FAILED' },
        `failed payment processed again: ${outcome.payment.status.toLowerCase()}`,
      );
      break;
    case 'already_completed':
      log.info({ ...fields, status: outcome.payment.status }, 'repeated charge: payment already completed, nothing charged');
      break;
    case 'amount_mismatch':
      log.warn(
        { ...fields, paid_amount: formatCents(outcome.payment.amountCents) },
        'repeated charge refused: another amount was already paid',
      );
      break;
    case 'refunded':
      log.warn(fields, 'repeated charge refused: payment was refunded');
      break;
    case 'voided':
      log.warn(fields, 'charge refused: payment voided');
      break;
  }
}
