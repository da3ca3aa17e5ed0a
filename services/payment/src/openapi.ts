import { paymentActionBody, paymentBody, paymentJson } from '@order-system/contracts';
import { buildOpenApi } from '@order-system/platform';

export const paymentOpenApi = buildOpenApi(
  'Payment service',
  'One payment per order, its refund, and its void (a tombstone that keeps a late charge from landing). ' +
    'Amounts are decimal strings. ' +
    'PAYMENT_FAILURE_RATE makes that share of charges answer 503 before anything is stored; ' +
    'PAYMENT_LATENCY_MS delays each charge answer after the payment is stored.',
  {
    '/api/payments/': {
      post: {
        summary: 'Charge an order: COMPLETED when amount > 0, else FAILED. Idempotent on order_id: never two charges',
        auth: 'service or admin',
        body: paymentBody,
        response: paymentJson,
        responses: {
          201: 'processed: a new payment, or a FAILED one processed again in place (same id)',
          200: 'the order is already paid with this amount; nothing was charged',
          400: 'validation failed',
          401: 'no valid token',
          403: 'neither service nor admin',
          409:
            'payment_amount_mismatch: already paid with another amount; payment_refunded: the payment was refunded; ' +
            'payment_voided: the payment was voided, nothing was charged',
          503: 'payment_processor_unavailable (injected fault); nothing was stored',
        },
      },
    },
    '/api/payments/{order_id}/': {
      get: {
        summary: "Get an order's payment (a VOIDED one is a tombstone: nothing was charged)",
        response: paymentJson,
        responses: { 200: 'payment', 404: 'Payment not found (also for a malformed order id)' },
      },
    },
    '/api/payments/{order_id}/refund/': {
      post: {
        summary: 'Refund a COMPLETED payment; a repeat answers the same refund. The body is optional',
        auth: 'service or admin',
        body: paymentActionBody,
        response: paymentJson,
        responses: {
          200: 'refunded (now or earlier)',
          400: 'validation failed',
          401: 'no valid token',
          403: 'neither service nor admin',
          404: 'Payment not found',
          409: 'payment_not_refundable: the payment FAILED or was VOIDED (`status` says which)',
        },
      },
    },
    '/api/payments/{order_id}/void/': {
      post: {
        summary:
          "Void the order's payment so that no charge can land on it any more: no payment -> a VOIDED tombstone " +
          '(amount 0.00); FAILED -> VOIDED in place; a repeat answers the same void. A later charge gets 409 ' +
          'payment_voided. The body is optional',
        auth: 'service or admin',
        body: paymentActionBody,
        response: paymentJson,
        responses: {
          200: 'voided (now or earlier): nothing was charged and nothing can be',
          400: 'validation failed',
          401: 'no valid token',
          403: 'neither service nor admin',
          404: 'Payment not found (only for a malformed order id)',
          409:
            'payment_completed: the order was charged (refund it instead); payment_refunded: it was charged and ' +
            'refunded. Both carry payment_id, order_id, amount and status',
        },
      },
    },
  },
);
