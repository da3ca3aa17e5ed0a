import { randomUUID } from 'node:crypto';
import {
  cartChangedJson,
  cartCheckoutBody,
  cartItemCreateBody,
  cartItemUpdateBody,
  cartJson,
  orderJson,
  orderOutcomeJson,
  parseIdParam,
} from '@order-system/contracts';
import { type AnyRouteSpec, type PathParam, type ResponseSpec, route } from '@order-system/platform';
import { answerForPlacement, answerOrderCreation, sendOrderAnswer } from '../orders/http/order-answers.js';
import {
  ADDRESS,
  ADDRESS_INPUT,
  databaseUnavailableExample,
  failedPlacements,
  idempotencyInProgress,
  idempotencyKey,
  idempotencyReused,
  invalidIdempotencyKey,
  paid,
  paymentPending,
  refusedPlacements,
  T0,
  T1,
  validation,
} from '../orders/http/order-docs.js';
import { toShippingAddress } from '../orders/http/order-request.js';
import type { IdempotencyService, StoredAnswer } from '../orders/idempotency/idempotency.js';
import type { ReadOrders } from '../orders/lifecycle/read-orders.js';
import { CartEmptyError, CartItemNotFoundError, CheckoutInProgressError, ProductNotFoundError } from './cart-errors.js';
import { toCartChangedJson, toCartJson } from './cart-json.js';
import type { CheckoutCart } from './checkout-cart.js';
import type { ShoppingCart } from './shopping-cart.js';

/** Integer fields of the cart's bodies: written as floats (1.0) they are refused, not rounded. */
const CART_INTEGER_FIELDS = ['product_id', 'quantity'];

/** The use cases behind the cart routes. */
export interface CartUseCases {
  cart: ShoppingCart;
  checkout: CheckoutCart;
  /** The Idempotency-Key records of order creation: a checkout creates an order, and honours them the same way. */
  idempotency: IdempotencyService;
  read: ReadOrders;
}

const CUSTOMER_ID = 'customer-42';
const fromCart = { ...paid, customer_name: 'Alice Smith', user_id: CUSTOMER_ID, shipping_address: ADDRESS };
const cart = {
  items: [
    { id: 7, product_id: 1, name: 'Keyboard', unit_price: '49.90', quantity: 2, line_total: '99.80', in_stock: true },
    { id: 8, product_id: 3, name: 'Mouse', unit_price: '19.90', quantity: 1, line_total: '19.90', in_stock: true },
  ],
  total_amount: '119.70',
  updated_at: T0,
};
const cartChanged = {
  error:
    'Some products in the cart are gone or short of stock: the cart was updated and no order was placed; review it and check out again',
  code: 'cart_changed',
  changes: [
    { item_id: 7, product_id: 1, change: 'lowered', reason: 'out_of_stock', previous_quantity: 2, quantity: 1 },
    { item_id: 8, product_id: 3, change: 'removed', reason: 'product_not_found', previous_quantity: 1, quantity: 0 },
  ],
  cart: {
    items: [{ id: 7, product_id: 1, name: 'Keyboard', unit_price: '49.90', quantity: 1, line_total: '49.90', in_stock: true }],
    total_amount: '49.90',
    updated_at: T1,
  },
};

const itemId: PathParam<number | null> = {
  description: 'The id of a line of the caller’s cart (another customer’s line, or anything not a positive integer, is a 404)',
  schema: { type: 'integer', minimum: 1 },
  example: 7,
  parse: parseIdParam,
};
const cartItemNotFound: ResponseSpec = {
  description: 'Cart item not found (also another customer’s line, and an id that is not a positive integer)',
  schema: 'Error',
  example: new CartItemNotFoundError().toJSON(),
};
const checkoutInProgress = new CheckoutInProgressError().toJSON();
const checkoutInProgressAnswer: ResponseSpec = {
  description:
    'checkout_in_progress: the cart is being checked out (its order is PENDING): it cannot change until the order is PAID or CANCELLED',
  schema: 'Error',
  example: checkoutInProgress,
};
const productServiceUnavailable = { error: 'Product service unavailable', code: 'product_service_unavailable' };
/** The 503 of a route that reads the current prices and stock. */
const productServiceUnavailableAnswer: ResponseSpec = {
  description:
    'product_service_unavailable: the current prices and stock could not be read; nothing changed. Or database_unavailable, ' +
    'with `Retry-After`',
  schema: 'Error',
  headers: ['Retry-After'],
  examples: {
    product_service_unavailable: { summary: 'the product service could not be reached', value: productServiceUnavailable },
    database_unavailable: databaseUnavailableExample,
  },
};

/** The cart routes: a customer's own cart, keyed by the token's `sub`; other roles have none (403). */
export function cartRoutes(useCases: CartUseCases): AnyRouteSpec[] {
  const { cart: carts, checkout, idempotency, read } = useCases;
  return [
    route({
      method: 'get',
      path: '/api/cart/',
      operationId: 'getCart',
      summary: 'The caller’s cart, with the current price and stock of each line (one call to the product service)',
      description:
        'One cart per customer (the token’s `sub`). A line whose product was deleted shows `name`, `unit_price` and ' +
        '`line_total` null and `in_stock` false; `total_amount` adds up the others. No cart yet: `items: []`, `updated_at: null`.',
      access: { roles: ['customer'] },
      responses: {
        200: { description: 'the cart', schema: cartJson, example: cart },
        503: productServiceUnavailableAnswer,
      },
      handler: async ({ auth, ctx }, _req, res) => {
        res.json(toCartJson(await carts.view(auth!.sub, ctx)));
      },
    }),
    route({
      method: 'delete',
      path: '/api/cart/',
      operationId: 'clearCart',
      summary: 'Empty the caller’s cart',
      access: { roles: ['customer'] },
      responses: { 204: { description: 'emptied (also when it was empty)' }, 409: checkoutInProgressAnswer },
      handler: async ({ auth }, _req, res) => {
        await carts.clear(auth!.sub);
        res.status(204).end();
      },
    }),
    route({
      method: 'post',
      path: '/api/cart/items/',
      operationId: 'addCartItem',
      summary: 'Add a product to the caller’s cart; the same product again adds to its line',
      description: 'Quantity 1-1000 (a line adds up to at most 1000), at most 100 lines. The product must exist now.',
      access: { roles: ['customer'] },
      body: { schema: cartItemCreateBody, example: { product_id: 1, quantity: 2 }, integerFields: CART_INTEGER_FIELDS },
      responses: {
        201: { description: 'the cart, with the line', schema: cartJson, example: cart },
        400: {
          description: 'validation failed (quantity 1-1000, a line over 1000, the 101st line, unknown fields, not an integer)',
          schema: 'Error',
          example: validation('Validation failed', { quantity: ['must be at most 1000'] }),
        },
        404: {
          description: 'product_not_found: no such product',
          schema: 'Error',
          example: new ProductNotFoundError(9).toJSON(),
        },
        409: checkoutInProgressAnswer,
        503: productServiceUnavailableAnswer,
      },
      handler: async ({ body, auth, ctx }, _req, res) => {
        res.status(201).json(toCartJson(await carts.add(auth!.sub, body.product_id, body.quantity, ctx)));
      },
    }),
    route({
      method: 'put',
      path: '/api/cart/items/{item_id}/',
      operationId: 'updateCartItem',
      summary: 'Set the quantity of a line of the caller’s cart',
      access: { roles: ['customer'] },
      params: { item_id: itemId },
      body: { schema: cartItemUpdateBody, example: { quantity: 3 }, integerFields: CART_INTEGER_FIELDS },
      responses: {
        200: { description: 'the cart', schema: cartJson, example: cart },
        400: {
          description: 'validation failed (quantity 1-1000; DELETE removes a line)',
          schema: 'Error',
          example: validation('Validation failed', { quantity: ['must be at least 1'] }),
        },
        404: cartItemNotFound,
        409: checkoutInProgressAnswer,
        503: productServiceUnavailableAnswer,
      },
      handler: async ({ params, body, auth, ctx }, _req, res) => {
        res.json(toCartJson(await carts.setQuantity(auth!.sub, params.item_id, body.quantity, ctx)));
      },
    }),
    route({
      method: 'delete',
      path: '/api/cart/items/{item_id}/',
      operationId: 'removeCartItem',
      summary: 'Remove a line of the caller’s cart',
      access: { roles: ['customer'] },
      params: { item_id: itemId },
      responses: { 204: { description: 'removed' }, 404: cartItemNotFound, 409: checkoutInProgressAnswer },
      handler: async ({ params, auth }, _req, res) => {
        await carts.remove(auth!.sub, params.item_id);
        res.status(204).end();
      },
    }),
    route({
      method: 'post',
      path: '/api/cart/checkout/',
      operationId: 'checkoutCart',
      summary: 'Place the cart as an order: stock checked first, then the create-order workflow',
      description:
        'The cart is first checked against the current stock: a line whose product is gone or short of stock is ' +
        'removed or lowered, no order is placed, and the answer is 409 `cart_changed` with the changes and the cart. ' +
        'Otherwise the order is placed as by `POST /api/orders/` (the same answers), with `user_id` the caller; while it ' +
        'is PENDING the cart is locked (409 `checkout_in_progress` for edits and other checkouts). The transaction that ' +
        'records it PAID empties the cart; a CANCELLED order leaves the cart as it was. `Idempotency-Key` as on ' +
        '`POST /api/orders/` (the caller’s keys are shared by both routes; a `cart_changed` answer is replayed too).',
      access: { roles: ['customer'] },
      headers: { 'Idempotency-Key': idempotencyKey },
      body: {
        schema: cartCheckoutBody,
        description: 'Optional. `customer_name` defaults to the shipping address’s name, else the token’s `sub`.',
        examples: {
          shipping_address: { summary: 'with where it goes', value: { shipping_address: ADDRESS_INPUT } },
          empty: { summary: 'nothing: the token’s sub names the order', value: {} },
        },
      },
      responses: {
        201: {
          description: 'PAID: reserved and charged; the cart is empty',
          schema: orderJson,
          headers: ['Location', 'Idempotent-Replayed'],
          example: fromCart,
        },
        202: {
          description: 'payment_pending, as on POST /api/orders/: the cart stays locked until the order is decided',
          schema: orderOutcomeJson,
          headers: ['Location', 'Idempotent-Replayed'],
          example: paymentPending(fromCart),
        },
        400: {
          description:
            'validation_failed or invalid_idempotency_key (nothing done), or the order was recorded CANCELLED, as on ' +
            'POST /api/orders/ (out_of_stock when the stock went between the check and the reservation, payment_failed, ' +
            'amount_too_large, product_not_found, payment_refunded, order_cancelled); the cart stays as it was',
          schema: [orderOutcomeJson, 'Error'],
          headers: ['Location', 'Idempotent-Replayed'],
          examples: {
            validation: {
              summary: 'a bad shipping address: nothing done',
              value: validation('Validation failed', {
                'shipping_address.country': ['must be an ISO 3166-1 alpha-2 country code, e.g. "DE"'],
              }),
            },
            invalid_idempotency_key: { summary: 'a malformed Idempotency-Key: nothing done', value: invalidIdempotencyKey },
            ...refusedPlacements(fromCart),
          },
        },
        409: {
          description:
            'cart_changed (lines fixed to the stock there is, no order), cart_empty, checkout_in_progress (another ' +
            'checkout of the cart is being placed), idempotency_key_in_progress',
          schema: [cartChangedJson, 'Error'],
          examples: {
            cart_changed: { summary: 'a line lowered, one removed: no order', value: cartChanged },
            cart_empty: { summary: 'nothing to order', value: new CartEmptyError().toJSON() },
            checkout_in_progress: { summary: 'another checkout of this cart runs', value: checkoutInProgress },
            idempotency_key_in_progress: { summary: 'the first request with this key still runs', value: idempotencyInProgress },
          },
        },
        422: {
          description: 'idempotency_key_reused: this Idempotency-Key was used with another body (or on POST /api/orders/)',
          schema: 'Error',
          example: idempotencyReused,
        },
        503: {
          description:
            'product_service_unavailable before anything was done (the stock could not be checked), or the order was ' +
            'recorded CANCELLED or decided by the recovery job as on POST /api/orders/ (product_service_unavailable, ' +
            'payment_service_unavailable, order_interrupted, payment_amount_mismatch, stock_not_confirmed), or ' +
            'database_unavailable (with `Retry-After`; nothing done)',
          schema: [orderOutcomeJson, 'Error'],
          headers: ['Location', 'Idempotent-Replayed', 'Retry-After'],
          examples: {
            check: { summary: 'the stock could not be checked: nothing done', value: productServiceUnavailable },
            ...failedPlacements(fromCart),
          },
        },
      },
      handler: async ({ body, auth, ctx }, req, res) => {
        const caller = auth!;
        const placeFromCart = async (orderId: string = randomUUID()): Promise<StoredAnswer> => {
          const result = await checkout.checkout(
            {
              orderId,
              userId: caller.sub,
              customerName: body?.customer_name,
              shippingAddress: toShippingAddress(body?.shipping_address),
            },
            ctx,
          );
          if (result.kind === 'changed') return { status: 409, body: toCartChangedJson(result.changes, result.cart) };
          return answerForPlacement(result.placement, orderId);
        };
        const answer = await answerOrderCreation(
          { idempotency, read },
          // The caller's keys are shared with POST /api/orders/: the same key there and here is another request (422).
          { scope: `${caller.role}:${caller.sub}`, keyHeader: req.get('Idempotency-Key'), body: { cart_checkout: req.body ?? {} } },
          placeFromCart,
          ctx.log,
        );
        sendOrderAnswer(res, answer);
      },
    }),
  ];
}
