import type { Order } from '../domain/order.js';
import type { OrderChange } from '../domain/order-state.js';
import type { OrdersRepository, WriteOptions } from '../orders.repository.js';
import type { Lease } from './order-leases.js';

/**
 * A worker's write was refused: the order is no longer what the worker read (another worker
 * decided it), or the worker's lease is no longer its own (it stalled and was taken over). The
 * worker stops at once: it sends nothing more to product or payment for that order. Caught where
 * the work began, which answers from the order as it now is.
 */
export class SupersededError extends Error {
  override name = 'SupersededError';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} was changed or taken over by another worker`);
  }
}

/**
 * Writes `change` under the worker's lease, or throws SupersededError when the write is refused.
 * `last`: the worker's final write, which gives the lease up in the same statement. `alongside`:
 * statements of other tables written in the same transaction, only if the change applies.
 */
export async function fencedWrite(
  orders: OrdersRepository,
  order: Order,
  change: OrderChange,
  lease: Lease,
  options: { last?: boolean; alongside?: WriteOptions['alongside'] } = {},
): Promise<Order> {
  const last = options.last === true;
  const written = await orders.apply(order, change, { fence: lease, releaseLease: last, alongside: options.alongside });
  if (!written) throw new SupersededError(order.id);
  if (last) lease.released = true;
  return written;
}
