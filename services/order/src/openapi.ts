import {
  cartChangedJson,
  cartCheckoutBody,
  cartItemCreateBody,
  cartItemUpdateBody,
  cartJson,
  orderCancelBody,
  orderCreateBody,
  orderJson,
  orderListQuery,
  orderOutcomeJson,
  orderStatusBody,
  orderTrackingJson,
} from '@order-system/contracts';
import { type ApiSpec, buildOpenApi, type ParameterSpec } from '@order-system/platform';
import { z } from 'zod';
import { orderEventJson, orderEventList, orderEventsQuery } from './events/event-schemas.js';

const orderList = z.array(orderJson);

const ORDER_ID = '3f0c8a52-1d7e-4c1b-9b2e-6a4f5d3c2b1a';
const T0 = '2026-12-01T10:00:00.000Z';
const T1 = '2026-12-01T10:00:01.000Z';
const T2 = '2026-12-02T09:00:00.000Z';

const paid = {
  id: ORDER_ID,
  customer_name: 'Alice',
  user_id: null,
  items: [{ product_id: 1, name: 'Keyboard', unit_price: '49.90', quantity: 2, line_total: '99.80' }],
  total_amount: '99.80',
  status: 'PAID',
  cancellation_reason: null,
  payment_status: 'COMPLETED',
  created_at: T0,
  updated_at: T1,
  status_history: [
    { from: null, to: 'PENDING', at: T0, by: 'system', reason: null },
    { from: 'PENDING', to: 'PAID', at: T1, by: 'system', reason: null },
  ],
  shipping_address: null,
};
const ADDRESS = {
  name: 'Alice Smith',
  line1: 'Hauptstraße 5',
  line2: null,
  city: 'Berlin',
  region: null,
  postal_code: '10115',
  country: 'DE',
};
const cancelledAs = (reason: string, extra: Record<string, unknown> = {}) => ({
  ...paid,
  status: 'CANCELLED',
  cancellation_reason: reason,
  payment_status: null,
  status_history: [paid.status_history[0], { from: 'PENDING', to: 'CANCELLED', at: T1, by: 'system', reason }],
  ...extra,
});
/** Refused before its reservation succeeded: nothing was reserved, so no price was taken. */
const unpriced = {
  items: [{ product_id: 1, name: null, unit_price: null, quantity: 2, line_total: null }],
  total_amount: null,
};
const outcome = (order: object, code: string, error: string) => ({ ...order, error, code });
const shipped = {
  ...paid,
  status: 'SHIPPED',
  updated_at: T2,
  status_history: [...paid.status_history, { from: 'PAID', to: 'SHIPPED', at: T2, by: 'admin', reason: null }],
  shipping_address: ADDRESS,
};
const tracking = {
  order_id: ORDER_ID,
  status: 'SHIPPED',
  carrier: 'DHL',
  tracking_number: 'JD014600006281230718',
  shipping_address: ADDRESS,
  history: shipped.status_history,
};
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
const itemId: ParameterSpec = {
  description: 'The id of a line of the caller’s cart (another customer’s line, or anything not a positive integer, is a 404)',
  schema: { type: 'integer', minimum: 1 },
  example: 7,
};
const cartItemNotFound = {
  description: 'Cart item not found (also another customer’s line, and an id that is not a positive integer)',
  schema: 'Error',
  example: { error: 'Cart item not found', code: 'not_found' },
} as const;
const checkoutInProgress = {
  description:
    'checkout_in_progress: the cart is being checked out (its order is PENDING): it cannot change until the order is PAID or CANCELLED',
  schema: 'Error',
  example: {
    error: 'The cart is being checked out; it cannot change until its order is PAID or CANCELLED',
    code: 'checkout_in_progress',
  },
} as const;
const productServiceUnavailable = {
  description: 'product_service_unavailable: the current prices and stock could not be read; nothing changed',
  schema: 'Error',
  example: { error: 'Product service unavailable', code: 'product_service_unavailable' },
} as const;
const IDEMPOTENCY_KEY = {
  description: 'Makes a retry safe (Stripe semantics): 1-255 printable ASCII characters without spaces, kept 24 hours',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]{1,255}$' },
  example: 'order-alice-0001',
};
const cancelledByAdmin = {
  ...paid,
  status: 'CANCELLED',
  cancellation_reason: 'Cancelled by admin',
  payment_status: 'REFUNDED',
  updated_at: T2,
  status_history: [...paid.status_history, { from: 'PAID', to: 'CANCELLED', at: T2, by: 'admin', reason: 'Cancelled by admin' }],
};

const EVENT_CREATED = '5b7f1c2e-8d4a-4e6b-9f3c-1a2b3c4d5e6f';
const EVENT_PAID = '9c8d7e6f-5a4b-4c3d-8e2f-0a1b2c3d4e5f';
const pending = {
  ...paid,
  items: [{ product_id: 1, name: null, unit_price: null, quantity: 2, line_total: null }],
  total_amount: null,
  status: 'PENDING',
  payment_status: null,
  updated_at: T0,
  status_history: [paid.status_history[0]],
};
const createdEvent = { id: EVENT_CREATED, type: 'order.created', occurred_at: T0, order_id: ORDER_ID, sequence: 1, order: pending };
const paidEvent = { id: EVENT_PAID, type: 'order.paid', occurred_at: T1, order_id: ORDER_ID, sequence: 2, order: paid };
/** What a live status stream sends: the order as it is, then each event, and heartbeats. */
const orderEventStream = z.string().meta({
  description:
    'Server-Sent Events. First `event: order.state` with the order as it is (`{"type":"order.state","order_id","sequence","order"}`, ' +
    'its `id` the sequence of the last event so far), then one message per event as it commits (`event:` its type, `id:` its ' +
    'sequence, `data:` the event JSON, as in GET /api/orders/events/), and a `: heartbeat` comment line every ' +
    'ORDER_EVENTS_HEARTBEAT_MS (15 s). Resumed with Last-Event-ID, it starts with the events after that one instead.',
});
const streamExample = [
  'retry: 2000',
  '',
  'id: 1',
  'event: order.state',
  `data: ${JSON.stringify({ type: 'order.state', order_id: ORDER_ID, sequence: 1, order: pending })}`,
  '',
  'id: 2',
  'event: order.paid',
  `data: ${JSON.stringify(paidEvent)}`,
  '',
  ': heartbeat',
  '',
  '',
].join('\n');

const orderId: ParameterSpec = {
  description: 'Order id (a malformed one is a 404)',
  schema: { type: 'string', format: 'uuid' },
  example: ORDER_ID,
};
const validation = (error: string, details: Record<string, string[]>) => ({ error, code: 'validation_failed', details });
const notFound = {
  description: 'Order not found (also for a malformed id, and for another customer’s order)',
  schema: 'Error',
  example: { error: 'Order not found', code: 'not_found' },
} as const;
const invalidTransition = (from: string, error: string) => ({
  error,
  code: 'invalid_status_transition',
  order_status: from,
});

export const orderApi: ApiSpec = {
  service: 'order',
  title: 'Order service',
  description:
    'Orders and the create-order workflow: price lookup, stock reservation, payment. Amounts are decimal strings. ' +
    'An order that is not paid is answered with its JSON plus `error` and `code`. Orders left half done by a crash or an ' +
    'outage are finished or compensated by a recovery job (at start and periodically).',
  port: 8000,
  ready: { checks: ['database', 'product_service', 'payment_service'] },
  schemas: {
    OrderCreate: orderCreateBody,
    Order: orderJson,
    OrderOutcome: orderOutcomeJson,
    OrderList: orderList,
    OrderCancel: orderCancelBody,
    OrderStatusUpdate: orderStatusBody,
    OrderTracking: orderTrackingJson,
    Cart: cartJson,
    CartItemCreate: cartItemCreateBody,
    CartItemUpdate: cartItemUpdateBody,
    CartCheckout: cartCheckoutBody,
    CartChanged: cartChangedJson,
    OrderEvent: orderEventJson,
    OrderEventList: orderEventList,
    OrderEventStream: orderEventStream,
  },
  paths: {
    '/api/orders/': {
      get: {
        operationId: 'listOrders',
        summary: 'List orders, newest first: a customer sees their own, an admin every order',
        access: { roles: 'customer or admin' },
        query: orderListQuery,
        responses: {
          200: {
            description: 'a page of orders; the total in X-Total-Count, the pages in Link',
            schema: orderList,
            headers: ['X-Total-Count', 'Link'],
            example: [paid],
          },
          400: {
            description: 'a bad status, limit or offset, or an unknown query parameter',
            schema: 'Error',
            example: validation('Validation failed', { status: ['must be one of PENDING, PAID, SHIPPED, DELIVERED, CANCELLED'] }),
          },
        },
      },
      post: {
        operationId: 'createOrder',
        summary: 'Place an order: price, reserve the stock, charge; every outcome is recorded',
        description:
          'Give `product_ids` (each id once is quantity 1, repeats add up) or `items`. A customer token binds the order ' +
          'to that customer (`user_id`). With an `Idempotency-Key`, the same key and body replay the first answer ' +
          '(`Idempotent-Replayed: true`), another body is a 422, and a repeat while the first runs is a 409.',
        access: { optional: 'a customer token binds the order to the customer' },
        headers: { 'Idempotency-Key': IDEMPOTENCY_KEY },
        body: {
          schema: orderCreateBody,
          examples: {
            items: { summary: 'items with quantities', value: { customer_name: 'Alice', items: [{ product_id: 1, quantity: 2 }] } },
            product_ids: { summary: 'product ids (a repeat adds one)', value: { customer_name: 'Alice', product_ids: [1, 1] } },
            shipping_address: {
              summary: 'with where it goes (returned on the order; `country`: ISO 3166-1 alpha-2)',
              value: {
                customer_name: 'Alice',
                items: [{ product_id: 1, quantity: 2 }],
                shipping_address: { name: 'Alice Smith', line1: 'Hauptstraße 5', city: 'Berlin', postal_code: '10115', country: 'DE' },
              },
            },
          },
        },
        responses: {
          201: {
            description: 'PAID: reserved and charged',
            schema: orderJson,
            headers: ['Location', 'Idempotent-Replayed'],
            example: paid,
          },
          202: {
            description:
              'payment_pending: the charge timed out and its outcome could not be learnt; the order stays PENDING with its ' +
              'stock until the recovery job decides it',
            schema: orderOutcomeJson,
            headers: ['Location', 'Idempotent-Replayed'],
            example: outcome(
              { ...paid, status: 'PENDING', payment_status: null, updated_at: T0, status_history: [paid.status_history[0]] },
              'payment_pending',
              'The payment could not be confirmed yet; the order stays PENDING until its outcome is known',
            ),
          },
          400: {
            description:
              'Either no order was recorded (validation_failed, invalid_idempotency_key), or the order was recorded CANCELLED ' +
              'and comes back with `error` and `code`: product_not_found, out_of_stock (both without prices: nothing was ' +
              'reserved), amount_too_large (the total would pass 999999.99; the stock released), payment_failed',
            schema: [orderOutcomeJson, 'Error'],
            headers: ['Location', 'Idempotent-Replayed'],
            examples: {
              required: {
                summary: 'no name or no products: nothing recorded',
                value: validation('customer_name and product_ids required', { product_ids: ['is required (or items)'] }),
              },
              product_not_found: {
                summary: 'an unknown product: recorded CANCELLED',
                value: outcome(
                  cancelledAs('Product 2 not found', { ...unpriced, items: [{ ...unpriced.items[0], product_id: 2, quantity: 1 }] }),
                  'product_not_found',
                  'Product 2 not found',
                ),
              },
              out_of_stock: {
                summary: 'not enough stock: recorded CANCELLED, nothing reserved',
                value: outcome(cancelledAs('Product 1 is out of stock', unpriced), 'out_of_stock', 'Product 1 is out of stock'),
              },
              amount_too_large: {
                summary: 'the total would pass 999999.99: recorded CANCELLED, the stock released, nothing charged',
                value: outcome(
                  cancelledAs('The order total must not exceed 999999.99'),
                  'amount_too_large',
                  'The order total must not exceed 999999.99',
                ),
              },
              payment_failed: {
                summary: 'the payment failed (or kept failing after 3 attempts): recorded CANCELLED, stock released',
                value: outcome(cancelledAs('Payment failed', { payment_status: 'FAILED' }), 'payment_failed', 'Payment failed'),
              },
            },
          },
          409: {
            description: 'idempotency_key_in_progress: the first request with this key is still running; retry later',
            schema: 'Error',
            example: {
              error: 'A request with this Idempotency-Key is still being processed; retry later',
              code: 'idempotency_key_in_progress',
            },
          },
          422: {
            description: 'idempotency_key_reused: this Idempotency-Key was used with another body',
            schema: 'Error',
            example: { error: 'This Idempotency-Key was already used with another request body', code: 'idempotency_key_reused' },
          },
          503: {
            description:
              'The order was recorded CANCELLED because a service could not be reached: product_service_unavailable, ' +
              'payment_service_unavailable (after an unclear charge, only once the payment was voided, so a late charge is refused)',
            schema: orderOutcomeJson,
            headers: ['Location', 'Idempotent-Replayed'],
            example: outcome(cancelledAs('Payment service unavailable'), 'payment_service_unavailable', 'Payment service unavailable'),
          },
        },
      },
    },
    '/api/orders/events/': {
      get: {
        operationId: 'listOrderEvents',
        summary: 'Every order event, oldest first, a page at a time: the feed a consumer without a broker polls',
        description:
          'One event per change of an order: order.created, order.paid, order.cancelled (with `cancellation_reason` and `code`), ' +
          'order.shipped, order.delivered, order.refunded; each with the order as GET /api/orders/{id}/ returned it right after ' +
          'the change, and its `sequence` among the order\u2019s events. An event is recorded in the transaction of its change. ' +
          'Poll with `after` = the id of the last event read (the `Link` rel="next" of every page says where to ask next, also ' +
          'when the page is empty); no event is ever skipped. Events are kept ORDER_EVENTS_RETENTION_DAYS (30) days; an ' +
          '`after` that was pruned is a 400 invalid_cursor. With RABBITMQ_URL set the same events are also published to the ' +
          'topic exchange `order_events` (routing key = type, message_id = id).',
        access: { roles: 'admin or service' },
        query: orderEventsQuery,
        responses: {
          200: {
            description: 'the events after `after` (at most `limit`), in the order they were recorded',
            schema: orderEventList,
            headers: ['Link'],
            example: [createdEvent, paidEvent],
          },
          400: {
            description: 'a bad `after` or `limit`, an unknown query parameter, or invalid_cursor: `after` names no event kept',
            schema: 'Error',
            examples: {
              limit: {
                summary: 'limit out of range',
                value: validation('Validation failed', { limit: ['must be an integer from 1 to 100'] }),
              },
              invalid_cursor: {
                summary: 'an event id that is unknown or pruned',
                value: {
                  error: 'after names no event: it is unknown, or older than the retention period and pruned',
                  code: 'invalid_cursor',
                },
              },
            },
          },
        },
      },
    },
    '/api/orders/{id}/events/stream': {
      get: {
        operationId: 'streamOrderEvents',
        summary: 'The live status of one order, as Server-Sent Events',
        description:
          'The order as it is at once, then every event of the order as it commits (on any replica), in sequence order, and ' +
          'heartbeats. A client that reconnects sends `Last-Event-ID` (the `id` of the last message it got: a sequence, or an ' +
          'event id) and gets every event after it, without a gap. Who may read the order may follow it.',
        access: { optional: 'needed for an order placed with a customer token: its owner or an admin' },
        params: { id: orderId },
        headers: {
          'Last-Event-ID': {
            description: 'Resume after this message: the sequence of an event of this order already received (or its event id)',
            schema: { type: 'string', maxLength: 64 },
            example: '2',
          },
        },
        responses: {
          200: {
            description: 'the event stream (text/event-stream), open until the client leaves',
            contentType: 'text/event-stream',
            schema: orderEventStream,
            example: streamExample,
          },
          400: {
            description: 'a Last-Event-ID that names no event of this order already sent',
            schema: 'Error',
            example: validation('Last-Event-ID names no event of this order', {
              'Last-Event-ID': ['must be the id of an event of this order that was sent already (a sequence from 0 to 2, or an event id)'],
            }),
          },
          404: notFound,
        },
      },
    },
    '/api/orders/{id}/': {
      get: {
        operationId: 'getOrder',
        summary: 'Get an order with its items, payment status and status history',
        description:
          'No token is needed for an order placed without a customer token (its id is the capability); an order placed ' +
          'with a customer token is shown to that customer and to admins only.',
        access: { optional: 'needed for an order placed with a customer token: its owner or an admin' },
        params: { id: orderId },
        responses: { 200: { description: 'the order', schema: orderJson, example: paid }, 404: notFound },
      },
    },
    '/api/orders/{id}/cancel/': {
      post: {
        operationId: 'cancelOrder',
        summary: 'Cancel a PENDING or PAID order: refunded when charged, stock released',
        description:
          'Recorded CANCELLED first, then the payment is refunded (or, when there is none, voided, so that a charge still on ' +
          'its way is refused) and the stock released. Cancelling a CANCELLED order changes nothing (200) and retries a ' +
          'refund still owed. The owner (the customer whose token placed it) or an admin; an anonymous order: admin only.',
        access: { roles: 'customer (the owner) or admin' },
        params: { id: orderId },
        body: {
          schema: orderCancelBody,
          description: 'Optional: nothing, `{}` or `{"reason": "..."}`',
          example: { reason: 'Changed my mind' },
        },
        responses: {
          200: { description: 'cancelled (refunded when it was charged, stock released)', schema: orderJson, example: cancelledByAdmin },
          202: {
            description:
              'refund_pending: cancelled and the stock released, but the refund could not be confirmed yet; retried by the ' +
              'recovery job and by a repeated cancel',
            schema: orderOutcomeJson,
            example: outcome(
              { ...cancelledByAdmin, payment_status: 'COMPLETED' },
              'refund_pending',
              'The order is cancelled; its refund could not be confirmed yet and will be retried',
            ),
          },
          400: {
            description: 'validation failed (an unknown field, a blank or too long reason), or malformed JSON',
            schema: 'Error',
            example: validation('Validation failed', { reason: ['must not be blank'] }),
          },
          403: {
            description: 'a service token, a customer cancelling an anonymous order, or a token without the role',
            schema: 'Error',
            example: { error: 'An order placed without a customer account can only be cancelled by an admin', code: 'forbidden' },
          },
          404: notFound,
          409: {
            description: 'invalid_status_transition (SHIPPED or DELIVERED), or order_in_progress (still being placed; retry)',
            schema: 'Error',
            example: invalidTransition('SHIPPED', 'Order is SHIPPED; it can no longer be cancelled'),
          },
        },
      },
    },
    '/api/orders/{id}/status/': {
      patch: {
        operationId: 'setOrderStatus',
        summary: 'Move an order along PAID -> SHIPPED -> DELIVERED; setting the status it has changes nothing',
        description:
          'With SHIPPED, optionally `carrier` and `tracking_number` (recorded with the move, shown by the tracking route); ' +
          'with DELIVERED they are a 400. Setting the status the order already has changes nothing, its tracking included.',
        access: { roles: 'admin' },
        params: { id: orderId },
        body: {
          schema: orderStatusBody,
          examples: {
            shipped: {
              summary: 'shipped, with its carrier and tracking number',
              value: { status: 'SHIPPED', carrier: 'DHL', tracking_number: 'JD014600006281230718' },
            },
            delivered: { summary: 'delivered', value: { status: 'DELIVERED' } },
          },
        },
        responses: {
          200: { description: 'the order with its new status', schema: orderJson, example: shipped },
          400: {
            description: 'validation failed (status must be SHIPPED or DELIVERED), or malformed JSON',
            schema: 'Error',
            examples: {
              status: {
                summary: 'not a status an admin may set',
                value: validation('Validation failed', { status: ['must be SHIPPED or DELIVERED (use /cancel/ to cancel)'] }),
              },
              tracking: {
                summary: 'a tracking number with DELIVERED',
                value: validation('Validation failed', { tracking_number: ['is only taken with "status": "SHIPPED"'] }),
              },
            },
          },
          404: notFound,
          409: {
            description: 'invalid_status_transition: not the next status of this order (`order_status` is its status)',
            schema: 'Error',
            example: invalidTransition('PAID', 'Order is PAID; only a SHIPPED order can become DELIVERED'),
          },
        },
      },
    },
    '/api/orders/{id}/tracking/': {
      get: {
        operationId: 'getOrderTracking',
        summary: 'Where an order is: its status, carrier, tracking number, shipping address and status history',
        access: { optional: 'as reading the order: needed for an order placed with a customer token (its owner or an admin)' },
        params: { id: orderId },
        responses: { 200: { description: 'the order’s tracking', schema: orderTrackingJson, example: tracking }, 404: notFound },
      },
    },
    '/api/cart/': {
      get: {
        operationId: 'getCart',
        summary: 'The caller’s cart, with the current price and stock of each line (one call to the product service)',
        description:
          'One cart per customer (the token’s `sub`). A line whose product was deleted shows `name`, `unit_price` and ' +
          '`line_total` null and `in_stock` false; `total_amount` adds up the others. No cart yet: `items: []`, `updated_at: null`.',
        access: { roles: 'customer' },
        responses: {
          200: { description: 'the cart', schema: cartJson, example: cart },
          503: productServiceUnavailable,
        },
      },
      delete: {
        operationId: 'clearCart',
        summary: 'Empty the caller’s cart',
        access: { roles: 'customer' },
        responses: { 204: { description: 'emptied (also when it was empty)' }, 409: checkoutInProgress },
      },
    },
    '/api/cart/items/': {
      post: {
        operationId: 'addCartItem',
        summary: 'Add a product to the caller’s cart; the same product again adds to its line',
        description: 'Quantity 1-1000 (a line adds up to at most 1000), at most 100 lines. The product must exist now.',
        access: { roles: 'customer' },
        body: { schema: cartItemCreateBody, example: { product_id: 1, quantity: 2 } },
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
            example: { product_id: 9, error: 'Product 9 not found', code: 'product_not_found' },
          },
          409: checkoutInProgress,
          503: productServiceUnavailable,
        },
      },
    },
    '/api/cart/items/{item_id}/': {
      put: {
        operationId: 'updateCartItem',
        summary: 'Set the quantity of a line of the caller’s cart',
        access: { roles: 'customer' },
        params: { item_id: itemId },
        body: { schema: cartItemUpdateBody, example: { quantity: 3 } },
        responses: {
          200: { description: 'the cart', schema: cartJson, example: cart },
          400: {
            description: 'validation failed (quantity 1-1000; DELETE removes a line)',
            schema: 'Error',
            example: validation('Validation failed', { quantity: ['must be at least 1'] }),
          },
          404: cartItemNotFound,
          409: checkoutInProgress,
          503: productServiceUnavailable,
        },
      },
      delete: {
        operationId: 'removeCartItem',
        summary: 'Remove a line of the caller’s cart',
        access: { roles: 'customer' },
        params: { item_id: itemId },
        responses: { 204: { description: 'removed' }, 404: cartItemNotFound, 409: checkoutInProgress },
      },
    },
    '/api/cart/checkout/': {
      post: {
        operationId: 'checkoutCart',
        summary: 'Place the cart as an order: stock checked first, then the create-order workflow',
        description:
          'The cart is first checked against the current stock: a line whose product is gone or short of stock is ' +
          'removed or lowered, no order is placed, and the answer is 409 `cart_changed` with the changes and the cart. ' +
          'Otherwise the order is placed as by `POST /api/orders/` (the same answers), with `user_id` the caller; while it ' +
          'is PENDING the cart is locked (409 `checkout_in_progress` for edits and other checkouts). The transaction that ' +
          'records it PAID empties the cart; a CANCELLED order leaves the cart as it was. `Idempotency-Key` as on ' +
          '`POST /api/orders/` (the caller’s keys are shared by both routes; a `cart_changed` answer is replayed too).',
        access: { roles: 'customer' },
        headers: { 'Idempotency-Key': IDEMPOTENCY_KEY },
        body: {
          schema: cartCheckoutBody,
          description: 'Optional. `customer_name` defaults to the shipping address’s name, else the token’s `sub`.',
          examples: {
            shipping_address: {
              summary: 'with where it goes',
              value: {
                shipping_address: { name: 'Alice Smith', line1: 'Hauptstraße 5', city: 'Berlin', postal_code: '10115', country: 'DE' },
              },
            },
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
            example: outcome(
              { ...fromCart, status: 'PENDING', payment_status: null, updated_at: T0, status_history: [paid.status_history[0]] },
              'payment_pending',
              'The payment could not be confirmed yet; the order stays PENDING until its outcome is known',
            ),
          },
          400: {
            description:
              'validation_failed or invalid_idempotency_key (nothing done), or the order was recorded CANCELLED, as on ' +
              'POST /api/orders/ (out_of_stock when the stock went between the check and the reservation, payment_failed, ...); ' +
              'the cart stays as it was',
            schema: [orderOutcomeJson, 'Error'],
            headers: ['Location', 'Idempotent-Replayed'],
            examples: {
              validation: {
                summary: 'a bad shipping address: nothing done',
                value: validation('Validation failed', {
                  'shipping_address.country': ['must be an ISO 3166-1 alpha-2 country code, e.g. "DE"'],
                }),
              },
              payment_failed: {
                summary: 'the payment failed: recorded CANCELLED, stock released, the cart as it was',
                value: outcome(
                  cancelledAs('Payment failed', { payment_status: 'FAILED', user_id: CUSTOMER_ID }),
                  'payment_failed',
                  'Payment failed',
                ),
              },
            },
          },
          409: {
            description:
              'cart_changed (lines fixed to the stock there is, no order), cart_empty, checkout_in_progress (another ' +
              'checkout of the cart is being placed), idempotency_key_in_progress',
            schema: [cartChangedJson, 'Error'],
            examples: {
              cart_changed: { summary: 'a line lowered, one removed: no order', value: cartChanged },
              cart_empty: { summary: 'nothing to order', value: { error: 'Cart is empty', code: 'cart_empty' } },
              checkout_in_progress: { summary: 'another checkout of this cart runs', value: checkoutInProgress.example },
            },
          },
          422: {
            description: 'idempotency_key_reused: this Idempotency-Key was used with another body (or on POST /api/orders/)',
            schema: 'Error',
            example: { error: 'This Idempotency-Key was already used with another request body', code: 'idempotency_key_reused' },
          },
          503: {
            description:
              'product_service_unavailable before anything was done (the stock could not be checked), or the order was ' +
              'recorded CANCELLED because a service could not be reached, as on POST /api/orders/',
            schema: [orderOutcomeJson, 'Error'],
            headers: ['Location', 'Idempotent-Replayed'],
            examples: {
              check: { summary: 'the stock could not be checked: nothing done', value: productServiceUnavailable.example },
              cancelled: {
                summary: 'recorded CANCELLED: the payment service could not be reached',
                value: outcome(cancelledAs('Payment service unavailable'), 'payment_service_unavailable', 'Payment service unavailable'),
              },
            },
          },
        },
      },
    },
  },
};

export const orderOpenApi = buildOpenApi(orderApi);
