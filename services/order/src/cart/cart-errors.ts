import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '@order-system/platform';
import { CART_MAX_LINES, CART_MAX_QUANTITY } from './cart.js';

export class CartItemNotFoundError extends NotFoundError {
  constructor() {
    super('Cart item not found');
  }
}

export class ProductNotFoundError extends NotFoundError {
  constructor(productId: number) {
    super(`Product ${productId} not found`, 'product_not_found', { extra: { product_id: productId } });
  }
}

export class CheckoutInProgressError extends ConflictError {
  constructor() {
    super('checkout_in_progress', 'The cart is being checked out; it cannot change until its order is PAID or CANCELLED');
  }
}

export class CartEmptyError extends ConflictError {
  constructor() {
    super('cart_empty', 'Cart is empty');
  }
}

export class ProductServiceUnavailableError extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super('product_service_unavailable', 'Product service unavailable', { cause });
  }
}

export function tooManyLines(): ValidationError {
  return new ValidationError({ product_id: [`the cart already holds ${CART_MAX_LINES} products, the most it may hold`] });
}

export function quantityOverLimit(productId: number, total: number): ValidationError {
  return new ValidationError({
    quantity: [`the cart would hold ${total} of product ${productId}; at most ${CART_MAX_QUANTITY} of a product`],
  });
}
