import type { CartChangedJson, CartJson } from '@order-system/contracts';
import { formatCents } from '@order-system/platform';
import type { CartChange, CartView } from './cart.js';

export const CART_CHANGED_MESSAGE =
  'Some products in the cart are gone or short of stock: the cart was updated and no order was placed; review it and check out again';

export function toCartJson(view: CartView): CartJson {
  return {
    items: view.lines.map((line) => ({
      id: line.id,
      product_id: line.productId,
      name: line.name,
      unit_price: line.unitPriceCents === null ? null : formatCents(line.unitPriceCents),
      quantity: line.quantity,
      line_total: line.unitPriceCents === null ? null : formatCents(line.unitPriceCents * line.quantity),
      in_stock: line.inStock,
    })),
    total_amount: formatCents(view.totalCents),
    updated_at: view.updatedAt?.toISOString() ?? null,
  };
}

/** The 409 cart_changed answer: what changed per line, and the cart as it now is. */
export function toCartChangedJson(changes: CartChange[], cart: CartView): CartChangedJson {
  return {
    error: CART_CHANGED_MESSAGE,
    code: 'cart_changed',
    changes: changes.map((change) => ({
      item_id: change.itemId,
      product_id: change.productId,
      change: change.change,
      reason: change.reason,
      previous_quantity: change.previousQuantity,
      quantity: change.quantity,
    })),
    cart: toCartJson(cart),
  };
}
