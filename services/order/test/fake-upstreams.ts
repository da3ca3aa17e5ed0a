import type { PricedLine } from '../src/orders/domain/order.js';
import type {
  ListedPayment,
  PaymentAnswer,
  PaymentPort,
  PaymentQuery,
  RefundOutcome,
  VoidOutcome,
} from '../src/upstream/payment.client.js';
import type { ProductPort, StockLine } from '../src/upstream/product.client.js';
import { type AttemptFailure, UpstreamError, type UpstreamService } from '../src/upstream/upstream-error.js';

/** Failed attempts of a call, as the upstream client reports them. */
export const attempt = {
  http: (status: number, body: Record<string, unknown> = {}): AttemptFailure => ({ kind: 'http', status, body }),
  timeout: { kind: 'timeout', code: 'ECONNABORTED' } as AttemptFailure,
  unreachable: { kind: 'unreachable', code: 'ECONNREFUSED' } as AttemptFailure,
  reset: { kind: 'reset', code: 'ECONNRESET' } as AttemptFailure,
};

/** A call that failed after these attempts (the last one last). */
export function failed(service: UpstreamService, ...attempts: AttemptFailure[]): UpstreamError {
  const last = attempts.at(-1);
  if (!last) throw new Error('at least one attempt');
  return new UpstreamError(service, 'test call', last, attempts.slice(0, -1));
}

export const UNIT_PRICE_CENTS = 500;

/**
 * The product service as the order service's port, scripted by the test: by default every
 * reservation succeeds at 5.00 a unit and every void releases.
 */
export class FakeProducts implements ProductPort {
  readonly reserved: string[] = [];
  readonly voided: string[] = [];
  onReserve: (lines: StockLine[], id: string) => Promise<PricedLine[]> = async (lines) =>
    lines.map((line) => ({ ...line, name: `Product ${line.productId}`, unitPriceCents: UNIT_PRICE_CENTS }));
  onVoid: (id: string) => Promise<'released' | 'voided'> = async () => 'released';

  reserve(id: string, lines: StockLine[]): Promise<PricedLine[]> {
    this.reserved.push(id);
    return this.onReserve(lines, id);
  }

  void(id: string): Promise<'released' | 'voided'> {
    this.voided.push(id);
    return this.onVoid(id);
  }
}

/** The payment service as the order service's port, scripted by the test: by default a charge completes. */
export class FakePayments implements PaymentPort {
  readonly charged: { orderId: string; cents: number }[] = [];
  readonly looked: string[] = [];
  readonly refunded: string[] = [];
  readonly voided: string[] = [];
  readonly listed: PaymentQuery[] = [];
  onCharge: (orderId: string, cents: number) => Promise<PaymentAnswer> = async (orderId, cents) => payment(orderId, cents, 'COMPLETED');
  onFind: (orderId: string) => Promise<PaymentAnswer | null> = async () => null;
  onRefund: (orderId: string) => Promise<RefundOutcome> = async () => ({ kind: 'not_found' });
  onVoid: (orderId: string) => Promise<VoidOutcome> = async (orderId) => ({ kind: 'voided', payment: payment(orderId, 0, 'VOIDED') });
  onList: (query: PaymentQuery) => Promise<ListedPayment[]> = async () => [];

  charge(orderId: string, cents: number): Promise<PaymentAnswer> {
    this.charged.push({ orderId, cents });
    return this.onCharge(orderId, cents);
  }

  find(orderId: string): Promise<PaymentAnswer | null> {
    this.looked.push(orderId);
    return this.onFind(orderId);
  }

  refund(orderId: string): Promise<RefundOutcome> {
    this.refunded.push(orderId);
    return this.onRefund(orderId);
  }

  void(orderId: string): Promise<VoidOutcome> {
    this.voided.push(orderId);
    return this.onVoid(orderId);
  }

  list(query: PaymentQuery): Promise<ListedPayment[]> {
    this.listed.push(query);
    return this.onList(query);
  }
}

export function payment(orderId: string, cents: number, status: PaymentAnswer['status']): PaymentAnswer {
  return { id: `pay-${orderId.slice(0, 8)}`, order_id: orderId, amount: (cents / 100).toFixed(2), status };
}
