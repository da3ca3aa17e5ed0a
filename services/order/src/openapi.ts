import { orderCreateBody, orderJson } from '@order-system/contracts';
import { buildOpenApi } from '@order-system/platform';

export const orderOpenApi = buildOpenApi(
  'Order service',
  'Orders and the create-order workflow: price lookup, stock reservation, payment. Amounts are decimal strings. ' +
    'An order that is not paid is answered with its JSON plus `error` and `code`.',
  {
    '/api/orders/': {
      post: {
        summary: 'Place an order (product_ids or items); a customer token binds it to that customer',
        auth: 'optional; customer binds the order',
        body: orderCreateBody,
        response: orderJson,
        responses: {
          201: 'paid',
          202: 'payment outcome not known yet: the order stays PENDING and keeps its stock; the order plus error and code payment_pending',
          400: 'validation failed (no order), or the order recorded CANCELLED: product_not_found, out_of_stock, payment_failed',
          401: 'invalid token',
          503: 'the order recorded CANCELLED: product_service_unavailable, payment_service_unavailable',
        },
      },
    },
    '/api/orders/{id}/': {
      get: {
        summary: 'Get an order with its items, payment status and status history',
        auth: 'none for an anonymous order; owner or admin otherwise',
        response: orderJson,
        responses: { 200: 'order', 404: 'Order not found (also for a malformed id or another customer’s order)' },
      },
    },
  },
);
