import { orderCancelBody, orderCreateBody, orderJson, orderStatusBody } from '@order-system/contracts';
import { buildOpenApi } from '@order-system/platform';
import { z } from 'zod';

export const orderOpenApi = buildOpenApi(
  'Order service',
  'Orders and the create-order workflow: price lookup, stock reservation, payment. Amounts are decimal strings. ' +
    'An order that is not paid is answered with its JSON plus `error` and `code`. Orders left half done by a crash or an ' +
    'outage are finished or compensated by a recovery job (at start and periodically).',
  {
    '/api/orders/': {
      get: {
        summary: 'List orders, newest first (X-Total-Count, Link): a customer sees their own, an admin every order',
        auth: 'customer or admin',
        query: {
          status: 'PENDING, PAID, SHIPPED, DELIVERED or CANCELLED',
          limit: '1-100, default 100',
          offset: 'default 0',
        },
        response: z.array(orderJson),
        responses: { 200: 'orders', 400: 'bad status, limit or offset', 401: 'no or invalid token', 403: 'not a customer or admin' },
      },
      post: {
        summary: 'Place an order (product_ids or items); a customer token binds it to that customer',
        auth: 'optional; customer binds the order',
        body: orderCreateBody,
        response: orderJson,
        responses: {
          201: 'paid',
          202:
            'payment outcome not known yet (the charge timed out and the payment could neither be found nor voided): the ' +
            'order stays PENDING and keeps its stock; the order plus error and code payment_pending',
          400: 'validation failed (no order), or the order recorded CANCELLED: product_not_found, out_of_stock, payment_failed',
          401: 'invalid token',
          503:
            'the order recorded CANCELLED: product_service_unavailable, payment_service_unavailable (after an unclear ' +
            'charge, only once the payment service has voided the order’s payment, so a late charge is refused)',
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
    '/api/orders/{id}/cancel/': {
      post: {
        summary:
          'Cancel a PENDING or PAID order: recorded CANCELLED first, then the payment refunded (or, when there is none, ' +
          'voided, so that a charge still on its way is refused) and the stock released. ' +
          'Cancelling a CANCELLED order changes nothing (200) and retries a refund still owed',
        auth: 'the customer who placed it, or admin (an anonymous order: admin only)',
        body: orderCancelBody,
        response: orderJson,
        responses: {
          200: 'cancelled (refunded when it was charged, stock released)',
          202: 'cancelled, but the refund could not be confirmed yet: the order plus error and code refund_pending; retried by the recovery job and by a repeated cancel',
          400: 'validation failed',
          401: 'no or invalid token',
          403: 'a service token, or a customer cancelling an anonymous order',
          404: 'Order not found (also for a malformed id or another customer’s order)',
          409: 'invalid_status_transition (SHIPPED or DELIVERED), or order_in_progress (still being placed; retry)',
        },
      },
    },
    '/api/orders/{id}/status/': {
      patch: {
        summary: 'Move an order along PAID -> SHIPPED -> DELIVERED; setting the status it already has changes nothing',
        auth: 'admin',
        body: orderStatusBody,
        response: orderJson,
        responses: {
          200: 'the order with its new status',
          400: 'validation failed (status must be SHIPPED or DELIVERED)',
          401: 'no or invalid token',
          403: 'not admin',
          404: 'Order not found',
          409: 'invalid_status_transition: not the next status for this order',
        },
      },
    },
  },
);
