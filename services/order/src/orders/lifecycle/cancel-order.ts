import { type Claims, ForbiddenError } from '@order-system/platform';
import type { RequestContext } from '../../upstream/upstream-client.js';
import type { OrderCompensation } from '../compensation/order-compensation.js';
import { fencedWrite, SupersededError } from '../concurrency/fenced-write.js';
import type { Lease, OrderLeases } from '../concurrency/order-leases.js';
import type { Order } from '../domain/order.js';
import { canChange } from '../domain/order-access.js';
import { failures } from '../domain/order-failures.js';
import { canCancel, moves, owesRefund } from '../domain/order-state.js';
import type { OrdersRepository } from '../orders.repository.js';
import type { ReadOrders } from './read-orders.js';

export class CancelForbiddenError extends ForbiddenError {
  constructor() {
    super('An order placed without a customer account can only be cancelled by an admin');
  }
}

/**
 * How a cancellation ended: cancelled (with whether its refund is still owed, the payment service
 * not having confirmed it yet); refused because the create-order workflow is still placing the
 * order; or refused because the order is past cancelling (SHIPPED, DELIVERED).
 */
export type CancelOutcome =
  | { kind: 'cancelled'; order: Order; refundPending: boolean }
  | { kind: 'in_progress' }
  | { kind: 'not_cancellable'; order: Order };

/** A status change lost to a concurrent writer (a fulfilment) is decided again on the order as it now is, this many times at most. */
const MAX_ATTEMPTS = 3;

/**
 * POST /api/orders/{id}/cancel/: PENDING or PAID -> CANCELLED. The decision is recorded first, then
 * the payment is refunded (or voided when there is none, so that a charge still on its way cannot
 * land) and the stock given back. Cancelling a CANCELLED order changes nothing but finishes a refund
 * or release that failed before. The cancellation holds the order's lease while it works; an order
 * still being placed by its workflow is refused rather than cancelled under the workflow's feet.
 */
export class CancelOrder {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly leases: OrderLeases,
    private readonly compensation: OrderCompensation,
    private readonly reads: ReadOrders,
  ) {}

  async cancel(id: string | null, actor: Claims, reason: string | undefined, ctx: RequestContext): Promise<CancelOutcome> {
    const order = await this.reads.get(id, actor);
    if (!canChange(order, actor)) throw new CancelForbiddenError();
    const why = reason ?? (actor.role === 'admin' ? 'Cancelled by admin' : 'Cancelled by customer');
    // Another cancellation or the recovery job may hold it: wait for it, then decide on the order as it is then.
    const held = await this.leases.hold(order.id, 'cancel', (lease) => this.decide(order.id, actor, why, lease, ctx), { wait: true });
    return held.held ? held.value : { kind: 'in_progress' };
  }

  private async decide(id: string, actor: Claims, reason: string, lease: Lease, ctx: RequestContext): Promise<CancelOutcome> {
    for (let attempt = 1; ; attempt++) {
      const order = await this.orders.findById(id);
      if (!order) throw new Error(`order ${id} vanished while being cancelled`);
      if (order.status === 'CANCELLED') return this.settle(order, lease, ctx);
      if (!canCancel(order)) return { kind: 'not_cancellable', order };
      // Whatever the order says of its charge, a refund is owed if a payment exists: the compensation
      // refunds it, or voids the payment when there is none, so that nothing can be charged after this.
      const change = moves.cancelled(order, failures.onRequest(reason), actor.sub, { paymentState: 'REFUND_PENDING' });
      let cancelled: Order;
      try {
        cancelled = await fencedWrite(this.orders, order, change, lease);
      } catch (err) {
        if (!(err instanceof SupersededError)) throw err;
        const now = (await this.orders.findById(id)) ?? order;
        // A fulfilment moved the order meanwhile: decide again on the order as it now is.
        if (now.status !== order.status && attempt < MAX_ATTEMPTS) continue;
        // This cancellation stalled past its lease and another worker has the order: it stops here,
        // and answers from the order as it is (retry once the other worker is done).
        return now.status === 'CANCELLED' ? { kind: 'cancelled', order: now, refundPending: owesRefund(now) } : { kind: 'in_progress' };
      }
      ctx.log.info({ order_id: id, from: order.status, by: actor.sub, reason }, 'order cancelled on request');
      return this.settle(cancelled, lease, ctx);
    }
  }

  private async settle(order: Order, lease: Lease, ctx: RequestContext): Promise<CancelOutcome> {
    let settled: Order;
    try {
      settled = await this.compensation.settle(order, lease, ctx);
    } catch (err) {
      if (!(err instanceof SupersededError)) throw err;
      // This cancellation stalled past its lease and the recovery job finishes it: answer as it is now.
      settled = (await this.orders.findById(order.id)) ?? order;
    }
    return { kind: 'cancelled', order: settled, refundPending: owesRefund(settled) };
  }
}
