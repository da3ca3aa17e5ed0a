import {
  orderCancelBody,
  orderCreateBody,
  orderJson,
  orderListQuery,
  orderOutcomeJson,
  orderStatusBody,
  orderTrackingJson,
} from '@order-system/contracts';
import { type AnyRouteSpec, ConflictError, route, setPaginationHeaders } from '@order-system/platform';
import { z } from 'zod';
import type { Order } from '../domain/order.js';
import type { IdempotencyService, StoredAnswer } from '../idempotency/idempotency.js';
import type { CancelOrder } from '../lifecycle/cancel-order.js';
import type { ReadOrders } from '../lifecycle/read-orders.js';
import type { UpdateFulfilment } from '../lifecycle/update-fulfilment.js';
import type { PlaceOrder } from '../placement/place-order.js';
import { answerForPlacement, answerOrderCreation, sendOrderAnswer } from './order-answers.js';
import {
  ADDRESS,
  ADDRESS_INPUT,
  cancelledByAdmin,
  failedPlacements,
  idempotencyInProgress,
  idempotencyKey,
  idempotencyReused,
  invalidIdempotencyKey,
  ORDER_ID,
  orderId,
  orderNotFound,
  outcome,
  paid,
  paymentPending,
  refusedPlacements,
  T2,
  validation,
} from './order-docs.js';
import { toOrderJson, toTrackingJson } from './order-json.js';
import { mergeLines, parseCreateOrder, toShippingAddress } from './order-request.js';

const REFUND_PENDING_MESSAGE = 'The order is cancelled; its refund could not be confirmed yet and will be retried';

/** Integer fields of a create-order body: written as floats (1.0) they are refused, not rounded. */
const ORDER_INTEGER_FIELDS = ['product_ids', 'product_id', 'quantity'];

export class InvalidStatusTransitionError extends ConflictError {
  constructor(order: Order, message: string) {
    super('invalid_status_transition', message, { extra: { order_status: order.status } });
  }
}

export class OrderInProgressError extends ConflictError {
  constructor() {
    super('order_in_progress', 'The order is still being placed; try again once it is PAID or CANCELLED');
  }
}

/** The use cases behind the order routes. */
export interface OrderUseCases {
  place: PlaceOrder;
  read: ReadOrders;
  cancel: CancelOrder;
  fulfil: UpdateFulfilment;
  idempotency: IdempotencyService;
}

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
const invalidTransition = (from: string, error: string) => ({ error, code: 'invalid_status_transition', order_status: from });

/** The order routes: each parses its input, runs one use case and maps its result to the contract's answer. */
export function ordersRoutes(useCases: OrderUseCases): AnyRouteSpec[] {
  const { place, read, cancel, fulfil, idempotency } = useCases;
  return [
    route({
      method: 'get',
      path: '/api/orders/',
      operationId: 'listOrders',
      summary: 'List orders, newest first: a customer sees their own, an admin every order',
      access: { roles: ['customer', 'admin'] },
      query: orderListQuery,
      responses: {
        200: {
          description: 'a page of orders; the total in X-Total-Count, the pages in Link',
          schema: z.array(orderJson),
          headers: ['X-Total-Count', 'Link'],
          example: [paid],
        },
        400: {
          description: 'a bad status, limit or offset, or an unknown query parameter',
          schema: 'Error',
          example: validation('Validation failed', { status: ['must be one of PENDING, PAID, SHIPPED, DELIVERED, CANCELLED'] }),
        },
      },
      handler: async ({ query, auth }, req, res) => {
        const { items, total } = await read.list(auth!, query);
        setPaginationHeaders(req, res, query, total);
        res.json(items.map(toOrderJson));
      },
    }),
    route({
      method: 'post',
      path: '/api/orders/',
      operationId: 'createOrder',
      summary: 'Place an order: price, reserve the stock, charge; every outcome is recorded',
      description:
        'Give `product_ids` (each id once is quantity 1, repeats add up) or `items`. A customer token binds the order ' +
        'to that customer (`user_id`). With an `Idempotency-Key`, the same key and body replay the first answer ' +
        '(`Idempotent-Replayed: true`), another body is a 422, and a repeat while the first runs is a 409. An order ' +
        'that another worker decided (the recovery job, a replica that took it over) is answered as it ended.',
      access: { optional: 'a customer token binds the order to the customer' },
      headers: { 'Idempotency-Key': idempotencyKey },
      body: {
        schema: orderCreateBody,
        parse: parseCreateOrder,
        integerFields: ORDER_INTEGER_FIELDS,
        examples: {
          items: { summary: 'items with quantities', value: { customer_name: 'Alice', items: [{ product_id: 1, quantity: 2 }] } },
          product_ids: { summary: 'product ids (a repeat adds one)', value: { customer_name: 'Alice', product_ids: [1, 1] } },
          shipping_address: {
            summary: 'with where it goes (returned on the order; `country`: ISO 3166-1 alpha-2)',
            value: { customer_name: 'Alice', items: [{ product_id: 1, quantity: 2 }], shipping_address: ADDRESS_INPUT },
          },
        },
      },
      responses: {
        201: { description: 'PAID: reserved and charged', schema: orderJson, headers: ['Location', 'Idempotent-Replayed'], example: paid },
        202: {
          description:
            'payment_pending: the charge timed out and its outcome could not be learnt; the order stays PENDING with its ' +
            'stock until the recovery job decides it',
          schema: orderOutcomeJson,
          headers: ['Location', 'Idempotent-Replayed'],
          example: paymentPending(paid),
        },
        400: {
          description:
            'Either no order was recorded (validation_failed, invalid_idempotency_key), or the order was recorded CANCELLED ' +
            'and comes back with `error` and `code`: product_not_found, out_of_stock (both without prices: nothing was ' +
            'reserved), amount_too_large (the total would pass 999999.99; the stock released), payment_failed; and, for an ' +
            'order decided by someone else, payment_refunded (the recovery job found the payment refunded) or ' +
            'order_cancelled (cancelled by its customer or an admin, their reason as `error`)',
          schema: [orderOutcomeJson, 'Error'],
          headers: ['Location', 'Idempotent-Replayed'],
          examples: {
            required: {
              summary: 'no name or no products: nothing recorded',
              value: validation('customer_name and product_ids required', { product_ids: ['is required (or items)'] }),
            },
            invalid_idempotency_key: { summary: 'a malformed Idempotency-Key: nothing recorded', value: invalidIdempotencyKey },
            ...refusedPlacements(paid),
          },
        },
        409: {
          description: 'idempotency_key_in_progress: the first request with this key is still running; retry later',
          schema: 'Error',
          example: idempotencyInProgress,
        },
        422: {
          description: 'idempotency_key_reused: this Idempotency-Key was used with another body',
          schema: 'Error',
          example: idempotencyReused,
        },
        503: {
          description:
            'The order was recorded CANCELLED because a service could not be reached: product_service_unavailable, ' +
            'payment_service_unavailable (after an unclear charge, only once the payment was voided, so a late charge is ' +
            'refused); or it was decided by the recovery job: order_interrupted (its worker was gone; the payment voided, ' +
            'nothing charged), payment_amount_mismatch, stock_not_confirmed (charged, then refunded). Or ' +
            'database_unavailable, with `Retry-After` and without an order: nothing was recorded',
          schema: [orderOutcomeJson, 'Error'],
          headers: ['Location', 'Idempotent-Replayed', 'Retry-After'],
          examples: failedPlacements(paid),
        },
      },
      handler: async ({ body, auth: caller, ctx }, req, res) => {
        const placeOrder = async (orderId?: string): Promise<StoredAnswer> => {
          const placement = await place.place(
            {
              orderId,
              customerName: body.customer_name,
              // Only a customer token binds the order to a user; admins and services order anonymously.
              userId: caller?.role === 'customer' ? caller.sub : null,
              lines: mergeLines(body),
              shippingAddress: toShippingAddress(body.shipping_address),
            },
            ctx,
          );
          return answerForPlacement(placement, orderId);
        };
        const answer = await answerOrderCreation(
          { idempotency, read },
          { scope: caller ? `${caller.role}:${caller.sub}` : 'anonymous', keyHeader: req.get('Idempotency-Key'), body: req.body },
          placeOrder,
          ctx.log,
        );
        sendOrderAnswer(res, answer);
      },
    }),
    route({
      method: 'get',
      path: '/api/orders/{id}/',
      operationId: 'getOrder',
      summary: 'Get an order with its items, payment status and status history',
      description:
        'No token is needed for an order placed without a customer token (its id is the capability); an order placed ' +
        'with a customer token is shown to that customer and to admins only.',
      access: { optional: 'needed for an order placed with a customer token: its owner or an admin' },
      params: { id: orderId },
      responses: { 200: { description: 'the order', schema: orderJson, example: paid }, 404: orderNotFound },
      handler: async ({ params, auth }, _req, res) => {
        res.json(toOrderJson(await read.get(params.id, auth)));
      },
    }),
    route({
      method: 'post',
      path: '/api/orders/{id}/cancel/',
      operationId: 'cancelOrder',
      summary: 'Cancel a PENDING or PAID order: refunded when charged, stock released',
      description:
        'Recorded CANCELLED first, then the payment is refunded (or, when there is none, voided, so that a charge still on ' +
        'its way is refused) and the stock released. Cancelling a CANCELLED order changes nothing (200) and retries a ' +
        'refund still owed. The owner (the customer whose token placed it) or an admin; an anonymous order: admin only.',
      access: { roles: ['customer', 'admin'], who: 'customer (the owner) or admin' },
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
          example: outcome({ ...cancelledByAdmin, payment_status: 'COMPLETED' }, 'refund_pending', REFUND_PENDING_MESSAGE),
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
        404: orderNotFound,
        409: {
          description: 'invalid_status_transition (SHIPPED or DELIVERED), or order_in_progress (still being placed; retry)',
          schema: 'Error',
          example: invalidTransition('SHIPPED', 'Order is SHIPPED; it can no longer be cancelled'),
        },
      },
      handler: async ({ params, body, auth, ctx }, _req, res) => {
        const result = await cancel.cancel(params.id, auth!, body?.reason, ctx);
        switch (result.kind) {
          case 'in_progress':
            throw new OrderInProgressError();
          case 'not_cancellable':
            throw new InvalidStatusTransitionError(result.order, `Order is ${result.order.status}; it can no longer be cancelled`);
          case 'cancelled':
            if (result.refundPending) {
              res.status(202).json({ ...toOrderJson(result.order), error: REFUND_PENDING_MESSAGE, code: 'refund_pending' });
            } else {
              res.json(toOrderJson(result.order));
            }
        }
      },
    }),
    route({
      method: 'patch',
      path: '/api/orders/{id}/status/',
      operationId: 'setOrderStatus',
      summary: 'Move an order along PAID -> SHIPPED -> DELIVERED; setting the status it has changes nothing',
      description:
        'With SHIPPED, optionally `carrier` and `tracking_number` (recorded with the move, shown by the tracking route); ' +
        'with DELIVERED they are a 400. Setting the status the order already has changes nothing, its tracking included.',
      access: { roles: ['admin'] },
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
        404: orderNotFound,
        409: {
          description: 'invalid_status_transition: not the next status of this order (`order_status` is its status)',
          schema: 'Error',
          example: invalidTransition('PAID', 'Order is PAID; only a SHIPPED order can become DELIVERED'),
        },
      },
      handler: async ({ params, body, auth, ctx }, _req, res) => {
        const { status, carrier, tracking_number: trackingNumber } = body;
        const shipment =
          carrier === undefined && trackingNumber === undefined
            ? undefined
            : { carrier: carrier ?? null, trackingNumber: trackingNumber ?? null };
        const result = await fulfil.set(params.id, auth!, status, ctx, shipment);
        if (result.kind === 'not_allowed') {
          const { order, from } = result;
          throw new InvalidStatusTransitionError(order, `Order is ${order.status}; only a ${from} order can become ${status}`);
        }
        res.json(toOrderJson(result.order));
      },
    }),
    route({
      method: 'get',
      path: '/api/orders/{id}/tracking/',
      operationId: 'getOrderTracking',
      summary: 'Where an order is: its status, carrier, tracking number, shipping address and status history',
      access: { optional: 'as reading the order: needed for an order placed with a customer token (its owner or an admin)' },
      params: { id: orderId },
      responses: {
        200: { description: 'the order’s tracking', schema: orderTrackingJson, example: tracking },
        404: orderNotFound,
      },
      handler: async ({ params, auth }, _req, res) => {
        res.json(toTrackingJson(await read.get(params.id, auth)));
      },
    }),
  ];
}
