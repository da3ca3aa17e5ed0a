import { orderCancelBody, orderListQuery, orderStatusBody, parseUuidParam } from '@order-system/contracts';
import {
  assertIntegerLiterals,
  ConflictError,
  defineRoute,
  parseOrThrow,
  requestContext,
  requireRole,
  setPaginationHeaders,
} from '@order-system/platform';
import { Router } from 'express';
import type { Order } from '../domain/order.js';
import { type IdempotencyService, readIdempotencyKey, type StoredAnswer } from '../idempotency/idempotency.js';
import type { CancelOrder } from '../lifecycle/cancel-order.js';
import type { ReadOrders } from '../lifecycle/read-orders.js';
import type { UpdateFulfilment } from '../lifecycle/update-fulfilment.js';
import type { PlaceOrder } from '../placement/place-order.js';
import { answerForOrder, answerForPlacement, sendOrderAnswer } from './order-answers.js';
import { toOrderJson, toTrackingJson } from './order-json.js';
import { mergeLines, parseCreateOrder, toShippingAddress } from './order-request.js';

const REFUND_PENDING_MESSAGE = 'The order is cancelled; its refund could not be confirmed yet and will be retried';

/** Integer fields of a create-order body: written as floats (1.0) they are refused, not rounded. */
const ORDER_INTEGER_FIELDS = new Set(['product_ids', 'product_id', 'quantity']);

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

/** The order routes: each parses its input, runs one use case and maps its result to the contract's answer. */
export function ordersRouter(useCases: OrderUseCases): Router {
  const { place, read, cancel, fulfil, idempotency } = useCases;
  const router = Router();
  const customerOrAdmin = requireRole('customer', 'admin');

  defineRoute(
    router,
    '/api/orders',
    {
      get: [
        customerOrAdmin,
        async (req, res) => {
          const query = parseOrThrow(orderListQuery, req.query);
          const { items, total } = await read.list(req.auth!, query);
          setPaginationHeaders(req, res, query, total);
          res.json(items.map(toOrderJson));
        },
      ],
      post: async (req, res) => {
        assertIntegerLiterals(req, ORDER_INTEGER_FIELDS);
        const body = parseCreateOrder(req.body);
        const caller = req.auth;
        const ctx = requestContext(req);
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
          const answer = answerForPlacement(placement);
          if (!answer) throw new Error(`order ${orderId} was taken over and then could not be read`);
          return answer;
        };
        const key = readIdempotencyKey(req.get('Idempotency-Key'));
        const answer =
          key === undefined
            ? { ...(await placeOrder()), replayed: false }
            : await idempotency.run(
                { scope: caller ? `${caller.role}:${caller.sub}` : 'anonymous', key, body: req.body },
                {
                  execute: placeOrder,
                  answerFor: async (orderId) => {
                    const order = await read.find(orderId);
                    return order ? answerForOrder(order) : null;
                  },
                },
                ctx.log,
              );
        sendOrderAnswer(res, answer);
      },
    },
    { query: { get: orderListQuery } },
  );

  defineRoute(router, '/api/orders/:id', {
    get: async (req, res) => {
      res.json(toOrderJson(await read.get(parseUuidParam(req.params.id), req.auth)));
    },
  });

  defineRoute(router, '/api/orders/:id/tracking', {
    get: async (req, res) => {
      res.json(toTrackingJson(await read.get(parseUuidParam(req.params.id), req.auth)));
    },
  });

  defineRoute(router, '/api/orders/:id/cancel', {
    post: [
      customerOrAdmin,
      async (req, res) => {
        const body = parseOrThrow(orderCancelBody, req.body);
        const outcome = await cancel.cancel(parseUuidParam(req.params.id), req.auth!, body?.reason, requestContext(req));
        switch (outcome.kind) {
          case 'in_progress':
            throw new OrderInProgressError();
          case 'not_cancellable':
            throw new InvalidStatusTransitionError(outcome.order, `Order is ${outcome.order.status}; it can no longer be cancelled`);
          case 'cancelled':
            if (outcome.refundPending) {
              res.status(202).json({ ...toOrderJson(outcome.order), error: REFUND_PENDING_MESSAGE, code: 'refund_pending' });
            } else {
              res.json(toOrderJson(outcome.order));
            }
        }
      },
    ],
  });

  defineRoute(router, '/api/orders/:id/status', {
    patch: [
      requireRole('admin'),
      async (req, res) => {
        const { status, carrier, tracking_number: trackingNumber } = parseOrThrow(orderStatusBody, req.body);
        const tracking =
          carrier === undefined && trackingNumber === undefined
            ? undefined
            : { carrier: carrier ?? null, trackingNumber: trackingNumber ?? null };
        const outcome = await fulfil.set(parseUuidParam(req.params.id), req.auth!, status, requestContext(req), tracking);
        if (outcome.kind === 'not_allowed') {
          const { order, from } = outcome;
          throw new InvalidStatusTransitionError(order, `Order is ${order.status}; only a ${from} order can become ${status}`);
        }
        res.json(toOrderJson(outcome.order));
      },
    ],
  });
  return router;
}
