import type { Claims } from '@order-system/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderCompensation } from '../src/orders/compensation/order-compensation.js';
import type { Order } from '../src/orders/domain/order.js';
import { CancelOrder } from '../src/orders/lifecycle/cancel-order.js';
import { ReadOrders } from '../src/orders/lifecycle/read-orders.js';
import { OrdersRepository } from '../src/orders/orders.repository.js';
import { ctx, startWorkers, type Workers } from './order-workers.js';

// A cancellation that stalls past its lease: another worker takes the order, and the cancellation,
// resumed, finds its write refused. It stops and answers from the order as it is, never a 500.
let w: Workers;
beforeAll(async () => {
  w = await startWorkers();
});
afterAll(() => w?.close());

const ADMIN: Claims = { sub: 'admin', role: 'admin', exp: Math.floor(Date.now() / 1000) + 600 };

/** The order repository, with another worker taking the order over (and doing `meanwhile`) right after the second read of it. */
class TakenOverAfterRead extends OrdersRepository {
  #reads = 0;
  constructor(
    private readonly workers: Workers,
    private readonly meanwhile: (id: string) => Promise<void> = async () => undefined,
  ) {
    super(workers.prisma, workers.clock);
  }

  override async findById(id: string): Promise<Order | null> {
    const order = await super.findById(id);
    // Read 1: the visibility check; read 2: under the lease, just before the write.
    this.#reads += 1;
    if (this.#reads === 2) {
      await this.workers.takeOver(id);
      await this.meanwhile(id);
    }
    return order;
  }
}

const cancelWith = (orders: OrdersRepository) =>
  new CancelOrder(orders, w.leases, new OrderCompensation(orders, w.products, w.payments), new ReadOrders(orders));

describe('a cancellation that loses its lease', () => {
  it('when another worker takes the order between the read and the write, then in progress (a 409), nothing written', async () => {
    const order = await w.orderIn({ reservation_state: 'ACTIVE', payment_state: 'UNKNOWN', total_cents: 1000 });

    const outcome = await cancelWith(new TakenOverAfterRead(w)).cancel(order.id, ADMIN, undefined, ctx());

    expect(outcome).toEqual({ kind: 'in_progress' });
    expect((await w.orders.findById(order.id))?.status).toBe('PENDING');
  });

  it('when the worker that took it over cancelled it meanwhile, then the order is answered as it now is', async () => {
    const order = await w.orderIn({ status: 'PAID', reservation_state: 'ACTIVE', payment_state: 'COMPLETED', total_cents: 1000 });
    const cancelledElsewhere = async (id: string) => {
      await w.prisma.$executeRaw`
        UPDATE "orders" SET "status" = 'CANCELLED', "cancellation_reason" = 'Cancelled by customer',
          "failure_code" = 'order_cancelled', "payment_state" = 'REFUNDED' WHERE "id" = ${id}`;
    };

    const outcome = await cancelWith(new TakenOverAfterRead(w, cancelledElsewhere)).cancel(order.id, ADMIN, 'mine', ctx());

    expect(outcome).toMatchObject({
      kind: 'cancelled',
      refundPending: false,
      order: { status: 'CANCELLED', cancellationReason: 'Cancelled by customer' },
    });
  });
});
