import {
  parseUuidParam,
  paymentActionBody,
  paymentBody,
  paymentConflictJson,
  paymentJson,
  paymentListQuery,
} from '@order-system/contracts';
import {
  type AnyRouteSpec,
  databaseUnavailable,
  invalidBody,
  type PathParam,
  type ResponseSpec,
  route,
  setPaginationHeaders,
} from '@order-system/platform';
import { z } from 'zod';
import { toPaymentJson } from './payment.mapper.js';
import type { PaymentsService } from './payments.service.js';

const ORDER_ID = '3f0c8a52-1d7e-4c1b-9b2e-6a4f5d3c2b1a';
const PAYMENT_ID = '9b2d7e41-6c3a-4f8e-a1d5-2e7c9b0f4a63';
const AT = '2026-12-01T10:00:01.000Z';
const completed = {
  id: PAYMENT_ID,
  order_id: ORDER_ID,
  amount: '99.80',
  status: 'COMPLETED',
  created_at: AT,
  updated_at: AT,
  refunded_at: null,
};
const refunded = { ...completed, status: 'REFUNDED', updated_at: '2026-12-01T11:00:00.000Z', refunded_at: '2026-12-01T11:00:00.000Z' };
const voided = { ...completed, amount: '0.00', status: 'VOIDED' };

const orderId: PathParam<string | null> = {
  description: 'The id of the order the payment is for (a malformed one is a 404)',
  schema: { type: 'string', format: 'uuid' },
  example: ORDER_ID,
  parse: parseUuidParam,
};
const actionBody = {
  schema: paymentActionBody,
  description: 'Optional: nothing, `{}` or `{"reason": "..."}` (the reason is logged)',
  example: { reason: 'Order cancelled by the customer' },
};
const notFound: ResponseSpec = {
  description: 'Payment not found',
  schema: 'Error',
  example: { error: 'Payment not found', code: 'payment_not_found' },
};

export function paymentsRoutes(payments: PaymentsService): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/payments/',
      operationId: 'listPayments',
      summary: 'List payments, oldest update first, filtered by order, status and time of the last change',
      description:
        'For services and admins reconciling (e.g. the COMPLETED payments of cancelled orders): `order_ids` (1 to 100 ' +
        'UUIDs separated by commas), `status`, `updated_after` (rows updated strictly after that instant). Ordered by ' +
        'updated_at, then id; the total in X-Total-Count, the pages in Link.',
      access: { roles: ['service', 'admin'] },
      query: paymentListQuery,
      responses: {
        200: {
          description: 'a page of payments; the total in X-Total-Count, the pages in Link',
          schema: z.array(paymentJson),
          headers: ['X-Total-Count', 'Link'],
          example: [completed, refunded],
        },
      },
      handler: async ({ query }, req, res) => {
        const { items, total } = await payments.list(query);
        setPaginationHeaders(req, res, query, total);
        res.json(items.map(toPaymentJson));
      },
    }),
    route({
      method: 'post',
      path: '/api/payments/',
      operationId: 'chargePayment',
      summary: 'Charge an order: COMPLETED when amount > 0, else FAILED. Idempotent on order_id: never two charges',
      access: { roles: ['service', 'admin'] },
      body: { schema: paymentBody, example: { order_id: ORDER_ID, amount: '99.80' } },
      responses: {
        200: { description: 'the order is already paid with this amount; nothing was charged', schema: paymentJson, example: completed },
        201: {
          description: 'processed: a new payment, or a FAILED one processed again in place (same id); Location is its URL',
          schema: paymentJson,
          headers: ['Location'],
          examples: {
            completed: { summary: 'amount > 0: charged', value: completed },
            failed: { summary: 'amount 0: declined, nothing charged', value: { ...completed, amount: '0.00', status: 'FAILED' } },
          },
        },
        400: invalidBody({ amount: ['is required'] }),
        409: {
          description:
            'payment_amount_mismatch: already paid with another amount; payment_refunded: the payment was refunded; ' +
            'payment_voided: the payment was voided, nothing was charged',
          schema: 'Error',
          example: {
            error: 'This order is already paid with another amount (99.80); nothing was charged',
            code: 'payment_amount_mismatch',
            payment_id: PAYMENT_ID,
            order_id: ORDER_ID,
          },
        },
        503: {
          description:
            'payment_processor_unavailable (the PAYMENT_FAILURE_RATE fault), or database_unavailable (the database gave no ' +
            'connection in time); nothing was stored, try again after `Retry-After`',
          schema: 'Error',
          headers: ['Retry-After'],
          examples: {
            payment_processor_unavailable: {
              summary: 'the PAYMENT_FAILURE_RATE fault',
              value: { error: 'Payment processor unavailable', code: 'payment_processor_unavailable' },
            },
            database_unavailable: { summary: 'the database gave no connection in time', value: databaseUnavailable().toJSON() },
          },
        },
      },
      handler: async ({ body, ctx }, _req, res) => {
        const { processed, payment } = await payments.charge(body, ctx);
        res
          .status(processed ? 201 : 200)
          .location(`/api/payments/${payment.orderId}/`)
          .json(toPaymentJson(payment));
      },
    }),
    route({
      method: 'get',
      path: '/api/payments/{order_id}/',
      operationId: 'getPayment',
      summary: "Get an order's payment (a VOIDED one is a tombstone: nothing was charged)",
      access: { public: true },
      params: { order_id: orderId },
      responses: { 200: { description: 'the payment', schema: paymentJson, example: completed }, 404: notFound },
      handler: async ({ params }, _req, res) => {
        res.json(toPaymentJson(await payments.get(params.order_id)));
      },
    }),
    route({
      method: 'post',
      path: '/api/payments/{order_id}/refund/',
      operationId: 'refundPayment',
      summary: 'Refund a COMPLETED payment; a repeat answers the same refund',
      access: { roles: ['service', 'admin'] },
      params: { order_id: orderId },
      body: actionBody,
      responses: {
        200: { description: 'refunded (now or earlier)', schema: paymentJson, example: refunded },
        400: invalidBody({ reason: ['must be a string'] }),
        404: notFound,
        409: {
          description: 'payment_not_refundable: the payment FAILED or was VOIDED (`status` says which)',
          schema: 'Error',
          example: {
            error: 'A failed payment cannot be refunded',
            code: 'payment_not_refundable',
            payment_id: PAYMENT_ID,
            order_id: ORDER_ID,
            status: 'FAILED',
          },
        },
      },
      handler: async ({ params, body, ctx }, _req, res) => {
        res.json(toPaymentJson(await payments.refund(params.order_id, body?.reason, ctx)));
      },
    }),
    route({
      method: 'post',
      path: '/api/payments/{order_id}/void/',
      operationId: 'voidPayment',
      summary: "Void the order's payment so that no charge can land on it any more",
      description:
        'No payment: a VOIDED tombstone is stored (amount 0.00); FAILED: VOIDED in place; VOIDED: the same answer again. ' +
        'A later charge gets 409 payment_voided.',
      access: { roles: ['service', 'admin'] },
      params: { order_id: orderId },
      body: actionBody,
      responses: {
        200: { description: 'voided (now or earlier): nothing was charged and nothing can be', schema: paymentJson, example: voided },
        400: invalidBody({ reason: ['must be a string'] }),
        404: { ...notFound, description: 'Payment not found (only for a malformed order id)' },
        409: {
          description:
            'payment_completed: the order was charged (refund it instead); payment_refunded: charged and refunded. ' +
            'Both carry payment_id, order_id, amount and status',
          schema: paymentConflictJson,
          example: {
            error: 'The order was charged; a completed payment cannot be voided (refund it instead)',
            code: 'payment_completed',
            payment_id: PAYMENT_ID,
            order_id: ORDER_ID,
            amount: '99.80',
            status: 'COMPLETED',
          },
        },
      },
      handler: async ({ params, body, ctx }, _req, res) => {
        res.json(toPaymentJson(await payments.void(params.order_id, body?.reason, ctx)));
      },
    }),
  ];
}
