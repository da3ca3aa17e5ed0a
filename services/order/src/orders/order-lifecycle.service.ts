import type { OrderListQuery, OrderStatusUpdate } from '@order-system/contracts';
import { type Claims, ConflictError, ForbiddenError } from '@order-system/platform';
import type { CallContext } from '../upstream/upstream-client.js';
import type { InFlightOrders } from './in-flight-orders.js';
import type { OrderRecord, OrderStatus } from './order.types.js';
import { canChange, canRead } from './order-access.js';
import { type OrderCompensation, owesRefund } from './order-compensation.js';
import type { OrdersRepository } from './orders.repository.js';
import { OrderNotFoundError } from './orders.service.js';

export class InvalidStatusTransitionError extends ConflictError {
  constructor(order: OrderRecord, message: string) {
    super('invalid_status_transition', message, { extra: { order_status: order.status } });
  }
}

export class OrderInProgressError extends ConflictError {
  constructor() {
    super('order_in_progress', 'The order is still being placed; try again once it is PAID or CANCELLED');
  }
}

export class CancelForbiddenError extends ForbiddenError {
  constructor() {
    super('An order placed without a customer account can only be cancelled by an admin');
  }
}

/** A cancelled order, and whether its refund is still owed (the payment service could not be reached). */
export interface CancelledOrder {
  order: OrderRecord;
  refundPending: boolean;
}

/** The order that comes before each status an admin may set. */
const FULFILMENT_PREDECESSOR: Record<OrderStatusUpdate['status'], OrderStatus> = { SHIPPED: 'PAID', DELIVERED: 'SHIPPED' };
const CANCELLABLE: readonly string[] = ['PENDING', 'PAID'];
/** A status change lost to a concurrent writer is decided again on the order as it now is, this many times at most. */
const MAX_ATTEMPTS = 3;

/** What happens to an order after it was placed: listing, cancelling (with refund and release), shipping. */
export class OrderLifecycleService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly compensation: OrderCompensation,
    private readonly inFlight: InFlightOrders,
  ) {}

  /** A customer sees their own orders, an admin every order. */
  list(viewer: Claims, query: OrderListQuery): Promise<{ items: OrderRecord[]; total: number }> {
    const filter = { ...(viewer.role === 'admin' ? {} : { userId: viewer.sub }), status: query.status };
    return this.orders.findPage(filter, query);
  }

  /**
   * PENDING or PAID -> CANCELLED: the decision is recorded first, then the payment is refunded
   * (when there may be one; voided when there is none, so a charge still on its way cannot land)
   * and the stock released. Cancelling a CANCELLED order changes nothing
   * but finishes a refund or release that failed before. An order still being placed by this
   * process is refused (409) rather than cancelled under the workflow's feet.
   */
  async cancel(id: string | null, actor: Claims, reason: string | undefined, ctx: CallContext): Promise<CancelledOrder> {
    const order = await this.findVisible(id, actor);
    if (!canChange(order, actor)) throw new CancelForbiddenError();
    if ((await this.inFlight.currentHolder(order.id)) === 'workflow') throw new OrderInProgressError();
    // Another cancel or the recovery job may hold it: wait for it, then decide on the order as it is then.
    const cancelled = await this.inFlight.run(order.id, 'cancel', async () => {
      const decided = await this.decideCancel(order.id, actor, reason ?? defaultReason(actor), ctx);
      return this.compensation.settle(decided, ctx);
    });
    return { order: cancelled, refundPending: owesRefund(cancelled) };
  }

  /** PAID -> SHIPPED -> DELIVERED, by an admin. Setting the status the order already has changes nothing. */
  async setFulfilmentStatus(id: string | null, actor: Claims, target: OrderStatusUpdate['status'], ctx: CallContext): Promise<OrderRecord> {
    const from = FULFILMENT_PREDECESSOR[target];
    for (let attempt = 1; ; attempt++) {
      const order = await this.findVisible(id, actor);
      if (order.status === target) return order;
      if (order.status !== from) {
        throw new InvalidStatusTransitionError(order, `Order is ${order.status}; only a ${from} order can become ${target}`);
      }
      try {
        const changed = await this.orders.transition(order, { from, to: target, by: actor.sub, reason: null });
        ctx.log.info({ order_id: order.id, from, to: target, by: actor.sub }, 'order status changed');
        return changed;
      } catch (err) {
        if (!isLostRace(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  private async decideCancel(id: string, actor: Claims, reason: string, ctx: CallContext): Promise<OrderRecord> {
    for (let attempt = 1; ; attempt++) {
      const order = await this.findVisible(id, actor);
      if (order.status === 'CANCELLED') return order;
      if (!CANCELLABLE.includes(order.status)) {
        throw new InvalidStatusTransitionError(order, `Order is ${order.status}; it can no longer be cancelled`);
      }
      try {
        const cancelled = await this.orders.transition(order, {
          from: order.status as OrderStatus,
          to: 'CANCELLED',
          by: actor.sub,
          reason,
          cancellationReason: reason,
          // PAID, or PENDING with a charge sent: a refund is owed if the payment exists.
          progress: mayBeCharged(order) ? { paymentState: 'REFUND_PENDING' } : {},
        });
        ctx.log.info({ order_id: order.id, from: order.status, by: actor.sub, reason }, 'order cancelled on request');
        return cancelled;
      } catch (err) {
        if (!isLostRace(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  private async findVisible(id: string | null, viewer: Claims): Promise<OrderRecord> {
    const order = id === null ? null : await this.orders.findById(id);
    if (!order || !canRead(order, viewer)) throw new OrderNotFoundError();
    return order;
  }
}

function mayBeCharged(order: OrderRecord): boolean {
  return ['COMPLETED', 'REQUESTED', 'UNKNOWN'].includes(order.paymentState);
}

function defaultReason(actor: Claims): string {
  return actor.role === 'admin' ? 'Cancelled by admin' : 'Cancelled by customer';
}

/** The conditional status update found another status: someone else changed the order first. */
function isLostRace(err: unknown): boolean {
  return err instanceof ConflictError && err.code === 'order_status_changed';
}
