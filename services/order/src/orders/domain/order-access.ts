import type { Claims } from '@order-system/platform';
import type { Order } from './order.js';

/**
 * Who may read an order: anyone with the id of an anonymous order (its uuid is the capability),
 * otherwise its owner or an admin. Everyone else is told it does not exist.
 */
export function canRead(order: Order, viewer: Claims | undefined): boolean {
  if (order.userId === null) return true;
  if (viewer?.role === 'admin') return true;
  return viewer?.role === 'customer' && viewer.sub === order.userId;
}

/**
 * Who may change an order: its owner or an admin. The uuid of an anonymous order lets one read
 * it, not change it, so only an admin may change an anonymous order.
 */
export function canChange(order: Order, actor: Claims): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'customer' && order.userId !== null && actor.sub === order.userId;
}
