import type { OrderListQuery } from '@order-system/contracts';
import { type Claims, NotFoundError } from '@order-system/platform';
import type { Order } from '../domain/order.js';
import { canRead } from '../domain/order-access.js';
import type { OrdersRepository } from '../orders.repository.js';

export class OrderNotFoundError extends NotFoundError {
  constructor() {
    super('Order not found');
  }
}

/** GET /api/orders/{id}/ and GET /api/orders/: reading orders, as each caller may. */
export class ReadOrders {
  constructor(private readonly orders: OrdersRepository) {}

  /** The order, if `viewer` may see it: anonymous orders by anyone with the id, others by their owner or an admin. */
  async get(id: string | null, viewer: Claims | undefined): Promise<Order> {
    const order = id === null ? null : await this.orders.findById(id);
    if (!order || !canRead(order, viewer)) throw new OrderNotFoundError();
    return order;
  }

  /** The order whatever its owner, for the service's own use; null when it does not exist. */
  find(id: string): Promise<Order | null> {
    return this.orders.findById(id);
  }

  /** A customer sees their own orders, an admin every order. */
  list(viewer: Claims, query: OrderListQuery): Promise<{ items: Order[]; total: number }> {
    const filter = { ...(viewer.role === 'admin' ? {} : { userId: viewer.sub }), status: query.status };
    return this.orders.findPage(filter, query);
  }
}
