import type { CataloguePort, CatalogueProduct } from '../upstream/product.client.js';
import type { RequestContext } from '../upstream/upstream-client.js';
import { UpstreamError } from '../upstream/upstream-error.js';
import { type Cart, type CartView, viewOf } from './cart.js';
import {
  CartItemNotFoundError,
  CheckoutInProgressError,
  ProductNotFoundError,
  ProductServiceUnavailableError,
  quantityOverLimit,
  tooManyLines,
} from './cart-errors.js';
import type { CartsRepository, LineEditOutcome } from './carts.repository.js';

/**
 * The customer's cart: read with current prices and stock (one batched call to the product
 * service), and edited line by line. Every edit answers the cart as it then is. While the cart is
 * being checked out (its order PENDING), edits are refused with 409 checkout_in_progress.
 */
export class ShoppingCart {
  constructor(
    private readonly carts: CartsRepository,
    private readonly catalogue: CataloguePort,
  ) {}

  async view(userId: string, ctx: RequestContext): Promise<CartView> {
    const cart = await this.carts.find(userId);
    return viewOf(cart, await this.priceOf(cart, ctx));
  }

  /**
   * Adds the product (which must exist now); the same product again adds to its line. One batched
   * read prices the cart's lines and checks the product at once.
   */
  async add(userId: string, productId: number, quantity: number, ctx: RequestContext): Promise<CartView> {
    const asked = new Set([...(await this.carts.find(userId)).lines.map((line) => line.productId), productId]);
    const catalogue = await lookUp(this.catalogue, [...asked], ctx);
    if (!catalogue.has(productId)) throw new ProductNotFoundError(productId);
    const outcome = await this.carts.addLine(userId, productId, quantity);
    switch (outcome.kind) {
      case 'too_many_lines':
        throw tooManyLines();
      case 'quantity_over_limit':
        throw quantityOverLimit(productId, outcome.total);
      case 'checkout_in_progress':
        throw new CheckoutInProgressError();
      case 'added': {
        ctx.log.info({ user_id: userId, product_id: productId, quantity, item_id: outcome.itemId }, 'added to the cart');
        const cart = await this.carts.find(userId);
        // A line another request added meanwhile was not asked about: the cart is priced again.
        if (cart.lines.some((line) => !asked.has(line.productId))) return this.view(userId, ctx);
        return viewOf(cart, catalogue);
      }
    }
  }

  async setQuantity(userId: string, itemId: number | null, quantity: number, ctx: RequestContext): Promise<CartView> {
    if (itemId === null) throw new CartItemNotFoundError();
    settled(await this.carts.setQuantity(userId, itemId, quantity));
    return this.view(userId, ctx);
  }

  async remove(userId: string, itemId: number | null): Promise<void> {
    if (itemId === null) throw new CartItemNotFoundError();
    settled(await this.carts.removeLine(userId, itemId));
  }

  async clear(userId: string): Promise<void> {
    settled(await this.carts.clear(userId));
  }

  private priceOf(cart: Cart, ctx: RequestContext): Promise<Map<number, CatalogueProduct>> {
    return lookUp(
      this.catalogue,
      cart.lines.map((line) => line.productId),
      ctx,
    );
  }
}

/** The products of these ids that exist now; the product service not answering is a 503. */
export async function lookUp(catalogue: CataloguePort, ids: number[], ctx: RequestContext): Promise<Map<number, CatalogueProduct>> {
  try {
    return await catalogue.findMany(ids, ctx);
  } catch (err) {
    if (err instanceof UpstreamError) throw new ProductServiceUnavailableError(err);
    throw err;
  }
}

function settled(outcome: LineEditOutcome): void {
  if (outcome.kind === 'not_found') throw new CartItemNotFoundError();
  if (outcome.kind === 'checkout_in_progress') throw new CheckoutInProgressError();
}
