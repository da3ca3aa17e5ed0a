import { orderCancelBody, orderCreateBody, orderJson, orderListQuery, orderOutcomeJson, orderStatusBody } from '@order-system/contracts';
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
        headers: {
          'Idempotency-Key': {
            description: 'Makes a retry safe (Stripe semantics): 1-255 printable ASCII characters without spaces, kept 24 hours',
            schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]{1,255}$' },
            example: 'order-alice-0001',
          },
        },
        body: {
          schema: orderCreateBody,
          examples: {
            items: { summary: 'items with quantities', value: { customer_name: 'Alice', items: [{ product_id: 1, quantity: 2 }] } },
            product_ids: { summary: 'product ids (a repeat adds one)', value: { customer_name: 'Alice', product_ids: [1, 1] } },
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
        access: { roles: 'admin' },
        params: { id: orderId },
        body: { schema: orderStatusBody, example: { status: 'SHIPPED' } },
        responses: {
          200: { description: 'the order with its new status', schema: orderJson, example: shipped },
          400: {
            description: 'validation failed (status must be SHIPPED or DELIVERED), or malformed JSON',
            schema: 'Error',
            example: validation('Validation failed', { status: ['must be SHIPPED or DELIVERED (use /cancel/ to cancel)'] }),
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
  },
};

export const orderOpenApi = buildOpenApi(orderApi);
