import { randomUUID } from 'node:crypto';
import { testDatabaseKind } from '@order-system/testing';
import { EventIds } from '../src/events/event-ids.js';
import { OrderEventsRepository, positionOrder, readEventIdPrefix, transactionOrder } from '../src/events/order-events.repository.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { databaseClock, processClock } from '../src/orders/concurrency/lease-clock.js';
import type { Order } from '../src/orders/domain/order.js';
import { moves } from '../src/orders/domain/order-state.js';
import { OrdersRepository } from '../src/orders/orders.repository.js';

/**
 * Orders written straight through the orders repository of an order app's database, change by
 * change, for the tests of what reads the events (the feed, the streams, the relay): each change
 * writes its events exactly as the workflows' changes do.
 */
export class OrderWriter {
  readonly orders: OrdersRepository;

  constructor(prisma: PrismaClient) {
    this.orders = new OrdersRepository(prisma, testDatabaseKind() === 'postgresql' ? databaseClock : processClock);
  }

  /** A new PENDING order (order.created), optionally of a customer. */
  async pending(userId: string | null = null): Promise<Order> {
    const outcome = await this.orders.create(
      { id: randomUUID(), customerName: 'Ann', userId, placedBy: userId ?? 'system', lines: [{ productId: 1, quantity: 2 }] },
      { token: randomUUID(), ttlMs: 60_000 },
    );
    if (outcome.kind === 'refused') throw new Error('an order without a condition is never refused');
    return outcome.order;
  }

  /** A new order, priced and PAID (order.created, order.paid). */
  async paid(userId: string | null = null): Promise<Order> {
    const order = await this.pending(userId);
    const priced = await this.apply(
      order,
      moves.priced(order, { items: [{ productId: 1, quantity: 2, name: 'Lamp', unitPriceCents: 1250 }], totalCents: 2500 }),
    );
    return this.apply(priced, moves.paid(priced, `pay-${order.id.slice(0, 8)}`));
  }

  ship(order: Order): Promise<Order> {
    return this.apply(order, moves.fulfilled(order, 'SHIPPED', 'admin-1'));
  }

  deliver(order: Order): Promise<Order> {
    return this.apply(order, moves.fulfilled(order, 'DELIVERED', 'admin-1'));
  }

  async apply(order: Order, change: Parameters<OrdersRepository['apply']>[1]): Promise<Order> {
    const next = await this.orders.apply(order, change);
    if (!next) throw new Error(`the change of order ${order.id} did not apply`);
    return next;
  }
}

/** The outbox of this database, read as the service reads it. */
export async function eventsRepository(prisma: PrismaClient): Promise<OrderEventsRepository> {
  const order = testDatabaseKind() === 'postgresql' ? transactionOrder : positionOrder;
  return new OrderEventsRepository(prisma, order, new EventIds(await readEventIdPrefix(prisma)));
}
