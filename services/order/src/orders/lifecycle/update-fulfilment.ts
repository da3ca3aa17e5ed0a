import type { OrderStatusUpdate } from '@order-system/contracts';
import type { Claims } from '@order-system/platform';
import type { RequestContext } from '../../upstream/upstream-client.js';
import type { Order, OrderStatus, Tracking } from '../domain/order.js';
import { moves } from '../domain/order-state.js';
import type { OrdersRepository } from '../orders.repository.js';
import type { ReadOrders } from './read-orders.js';

/** The status that comes before each status an admin may set. */
const PREDECESSOR: Record<OrderStatusUpdate['status'], OrderStatus> = { SHIPPED: 'PAID', DELIVERED: 'SHIPPED' };
/** A status change lost to a concurrent writer is decided again on the order as it now is, this many times at most. */
const MAX_ATTEMPTS = 3;

export type FulfilmentOutcome = { kind: 'updated'; order: Order } | { kind: 'not_allowed'; order: Order; from: OrderStatus };

/**
 * PATCH /api/orders/{id}/status/: PAID -> SHIPPED -> DELIVERED, by an admin; the move to SHIPPED
 * records the carrier and tracking number when given, in the same statement. Setting the status
 * the order has changes nothing (its tracking included).
 */
export class UpdateFulfilment {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly reads: ReadOrders,
  ) {}

  async set(
    id: string | null,
    actor: Claims,
    target: OrderStatusUpdate['status'],
    ctx: RequestContext,
    tracking?: Tracking,
  ): Promise<FulfilmentOutcome> {
    const from = PREDECESSOR[target];
    for (let attempt = 1; ; attempt++) {
      const order = await this.reads.get(id, actor);
      if (order.status === target) return { kind: 'updated', order };
      if (order.status !== from) return { kind: 'not_allowed', order, from };
      const changed = await this.orders.apply(order, moves.fulfilled(order, target, actor.sub, tracking));
      if (changed) {
        ctx.log.info({ order_id: order.id, from, to: target, by: actor.sub }, 'order status changed');
        return { kind: 'updated', order: changed };
      }
      if (attempt >= MAX_ATTEMPTS) return { kind: 'not_allowed', order: (await this.reads.get(id, actor)) ?? order, from };
    }
  }
}
