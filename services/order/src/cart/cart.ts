import { CART_MAX_LINES, CART_MAX_QUANTITY } from '@order-system/contracts';
import type { CatalogueProduct } from '../upstream/product.client.js';

export { CART_MAX_LINES, CART_MAX_QUANTITY };

/** One line of a cart: a product and how many of it. */
export interface CartLine {
  id: number;
  productId: number;
  quantity: number;
}

/** A customer's cart as stored: its lines, oldest first. */
export interface Cart {
  userId: string;
  /** Goes up with every change (and with a checkout's claim): a checkout places the lines of the version it checked. */
  version: number;
  lines: CartLine[];
  /** When its lines last changed; null when the customer has no cart. */
  updatedAt: Date | null;
  /** The order the cart is being checked out as, while that order is PENDING (the cart is locked meanwhile). */
  checkingOutAs: string | null;
}

/** A line with the product's current name, price and stock; name and price are null when the product is gone. */
export interface PricedCartLine extends CartLine {
  name: string | null;
  unitPriceCents: number | null;
  inStock: boolean;
}

/** The cart as the customer sees it: current prices and stock. */
export interface CartView {
  lines: PricedCartLine[];
  /** Σ price × quantity of the lines whose product exists. */
  totalCents: number;
  updatedAt: Date | null;
}

/** The cart with each line priced from the catalogue as it is now. */
export function viewOf(cart: Cart, catalogue: Map<number, CatalogueProduct>): CartView {
  const lines = cart.lines.map((line): PricedCartLine => {
    const product = catalogue.get(line.productId);
    if (!product) return { ...line, name: null, unitPriceCents: null, inStock: false };
    return { ...line, name: product.name, unitPriceCents: product.priceCents, inStock: product.stock >= line.quantity };
  });
  const totalCents = lines.reduce((total, line) => total + (line.unitPriceCents ?? 0) * line.quantity, 0);
  return { lines, totalCents, updatedAt: cart.updatedAt };
}

/** What a checkout changed in a line it could not place as it was. */
export interface CartChange {
  itemId: number;
  productId: number;
  change: 'removed' | 'lowered';
  reason: 'product_not_found' | 'out_of_stock';
  previousQuantity: number;
  /** What the line holds now: 0 when it was removed. */
  quantity: number;
}

/**
 * The lines that cannot be ordered as they are, against the catalogue now: a product that is gone,
 * or has no stock, removes its line; one with less stock than asked lowers it to the stock there is.
 */
export function stockChanges(cart: Cart, catalogue: Map<number, CatalogueProduct>): CartChange[] {
  const changes: CartChange[] = [];
  for (const line of cart.lines) {
    const product = catalogue.get(line.productId);
    const base = { itemId: line.id, productId: line.productId, previousQuantity: line.quantity };
    if (!product) changes.push({ ...base, change: 'removed', reason: 'product_not_found', quantity: 0 });
    else if (product.stock <= 0) changes.push({ ...base, change: 'removed', reason: 'out_of_stock', quantity: 0 });
    else if (product.stock < line.quantity) changes.push({ ...base, change: 'lowered', reason: 'out_of_stock', quantity: product.stock });
  }
  return changes;
}
