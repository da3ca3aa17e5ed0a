import type { ShippingAddress } from '../orders/domain/order.js';
import type { Placement, PlaceOrder } from '../orders/placement/place-order.js';
import type { CataloguePort } from '../upstream/product.client.js';
import type { RequestContext } from '../upstream/upstream-client.js';
import { type CartChange, type CartView, stockChanges, viewOf } from './cart.js';
import { CartEmptyError, CheckoutInProgressError } from './cart-errors.js';
import type { CartsRepository } from './carts.repository.js';
import { lookUp } from './shopping-cart.js';

export interface CheckoutRequest {
  /** The order's id, fixed by the caller (an Idempotency-Key's claim) or new. */
  orderId: string;
  userId: string;
  customerName?: string;
  shippingAddress: ShippingAddress | null;
}

/**
 * How a checkout ended: the order was placed (its placement, answered as POST /api/orders/ answers
 * it), or some lines could not be ordered as they were, so the cart was fixed and no order placed.
 */
export type CheckoutOutcome = { kind: 'placed'; placement: Placement } | { kind: 'changed'; changes: CartChange[]; cart: CartView };

/** A cart that keeps changing under a checkout is given up after this many tries (then: 409 checkout_in_progress). */
const MAX_ATTEMPTS = 3;

/**
 * POST /api/cart/checkout/: the cart becomes an order.
 *   1. The cart is read; one that a checkout holds already is refused (409 checkout_in_progress).
 *   2. Its lines are checked against the catalogue now (one batched call): a product gone or short
 *      of stock fixes the cart (the line removed or lowered) and no order is placed (409 cart_changed).
 *   3. Otherwise the order is placed by the create-order workflow, its insert claiming the cart in
 *      the same transaction, and only if the cart is still the version that was checked: of two
 *      checkouts at once, one order. While the order is PENDING, the cart is locked; the transaction
 *      that records it PAID empties it; a CANCELLED order leaves it as it was.
 * The check of step 2 is advice, not a reservation: stock taken meanwhile by others makes the
 * reservation refuse the order, CANCELLED out_of_stock, as for POST /api/orders/.
 */
export class CheckoutCart {
  constructor(
    private readonly carts: CartsRepository,
    private readonly catalogue: CataloguePort,
    private readonly place: PlaceOrder,
  ) {}

  async checkout(request: CheckoutRequest, ctx: RequestContext): Promise<CheckoutOutcome> {
    const { userId, orderId } = request;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const cart = await this.carts.find(userId);
      if (cart.checkingOutAs) throw new CheckoutInProgressError();
      if (cart.lines.length === 0) throw new CartEmptyError();
      const catalogue = await lookUp(
        this.catalogue,
        cart.lines.map((line) => line.productId),
        ctx,
      );
      const changes = stockChanges(cart, catalogue);
      if (changes.length > 0) {
        // Changed meanwhile (an edit, or another checkout): checked again as it now is.
        if (!(await this.carts.fix(userId, cart.version, changes))) continue;
        ctx.log.info({ user_id: userId, changes: changes.length }, 'checkout refused: the cart was fixed to the stock there is');
        return { kind: 'changed', changes, cart: viewOf(await this.carts.find(userId), catalogue) };
      }
      const placement = await this.place.place(
        {
          orderId,
          customerName: request.customerName ?? request.shippingAddress?.name ?? userId,
          userId,
          lines: cart.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
          shippingAddress: request.shippingAddress,
          cart: { claim: this.carts.claimStatement(userId, cart.version, orderId) },
        },
        ctx,
      );
      if (placement.kind !== 'not_placed') return { kind: 'placed', placement };
    }
    throw new CheckoutInProgressError();
  }
}
