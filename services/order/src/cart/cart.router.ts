import { randomUUID } from 'node:crypto';
import { cartCheckoutBody, cartItemCreateBody, cartItemUpdateBody, parseIdParam } from '@order-system/contracts';
import { assertIntegerLiterals, defineRoute, parseOrThrow, requireRole } from '@order-system/platform';
import { type Request, Router } from 'express';
import { answerForOrder, answerForPlacement, sendOrderAnswer } from '../orders/http/order-answers.js';
import { toShippingAddress } from '../orders/http/order-request.js';
import { type IdempotencyService, readIdempotencyKey, type StoredAnswer } from '../orders/idempotency/idempotency.js';
import type { ReadOrders } from '../orders/lifecycle/read-orders.js';
import type { RequestContext } from '../upstream/upstream-client.js';
import { toCartChangedJson, toCartJson } from './cart-json.js';
import type { CheckoutCart } from './checkout-cart.js';
import type { ShoppingCart } from './shopping-cart.js';

/** Integer fields of the cart's bodies: written as floats (1.0) they are refused, not rounded. */
const CART_INTEGER_FIELDS = new Set(['product_id', 'quantity']);

/** The use cases behind the cart routes. */
export interface CartUseCases {
  cart: ShoppingCart;
  checkout: CheckoutCart;
  /** The Idempotency-Key records of order creation: a checkout creates an order, and honours them the same way. */
  idempotency: IdempotencyService;
  read: ReadOrders;
}

/** The cart routes: a customer's own cart, keyed by the token's `sub`; other roles have none (403). */
export function cartRouter(useCases: CartUseCases): Router {
  const { cart, checkout, idempotency, read } = useCases;
  const router = Router();
  const customer = requireRole('customer');

  defineRoute(router, '/api/cart', {
    get: [
      customer,
      async (req, res) => {
        res.json(toCartJson(await cart.view(req.auth!.sub, requestContext(req))));
      },
    ],
    delete: [
      customer,
      async (req, res) => {
        await cart.clear(req.auth!.sub);
        res.status(204).end();
      },
    ],
  });

  defineRoute(router, '/api/cart/items', {
    post: [
      customer,
      async (req, res) => {
        assertIntegerLiterals(req, CART_INTEGER_FIELDS);
        const body = parseOrThrow(cartItemCreateBody, req.body);
        res.status(201).json(toCartJson(await cart.add(req.auth!.sub, body.product_id, body.quantity, requestContext(req))));
      },
    ],
  });

  defineRoute(router, '/api/cart/items/:itemId', {
    put: [
      customer,
      async (req, res) => {
        assertIntegerLiterals(req, CART_INTEGER_FIELDS);
        const { quantity } = parseOrThrow(cartItemUpdateBody, req.body);
        res.json(toCartJson(await cart.setQuantity(req.auth!.sub, parseIdParam(req.params.itemId), quantity, requestContext(req))));
      },
    ],
    delete: [
      customer,
      async (req, res) => {
        await cart.remove(req.auth!.sub, parseIdParam(req.params.itemId));
        res.status(204).end();
      },
    ],
  });

  defineRoute(router, '/api/cart/checkout', {
    post: [
      customer,
      async (req, res) => {
        const body = parseOrThrow(cartCheckoutBody, req.body) ?? {};
        const caller = req.auth!;
        const ctx = requestContext(req);
        const placeFromCart = async (orderId: string): Promise<StoredAnswer> => {
          const outcome = await checkout.checkout(
            {
              orderId,
              userId: caller.sub,
              customerName: body.customer_name,
              shippingAddress: toShippingAddress(body.shipping_address),
            },
            ctx,
          );
          if (outcome.kind === 'changed') return { status: 409, body: toCartChangedJson(outcome.changes, outcome.cart) };
          const answer = answerForPlacement(outcome.placement);
          if (!answer) throw new Error(`order ${orderId} was taken over and then could not be read`);
          return answer;
        };
        const key = readIdempotencyKey(req.get('Idempotency-Key'));
        const answer =
          key === undefined
            ? { ...(await placeFromCart(randomUUID())), replayed: false }
            : await idempotency.run(
                // The caller's keys are shared with POST /api/orders/: the same key there and here is another request (422).
                { scope: `${caller.role}:${caller.sub}`, key, body: { cart_checkout: req.body ?? {} } },
                {
                  execute: placeFromCart,
                  answerFor: async (orderId) => {
                    const order = await read.find(orderId);
                    return order ? answerForOrder(order) : null;
                  },
                },
                ctx.log,
              );
        sendOrderAnswer(res, answer);
      },
    ],
  });
  return router;
}

function requestContext(req: Request): RequestContext {
  return { requestId: String(req.id), log: req.log };
}
