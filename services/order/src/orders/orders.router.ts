import { orderCancelBody, orderListQuery, orderStatusBody, parseUuidParam } from '@order-system/contracts';
import { assertIntegerLiterals, defineRoute, parseOrThrow, requireRole, setPaginationHeaders } from '@order-system/platform';
import { type Request, Router } from 'express';
import type { CallContext } from '../upstream/upstream-client.js';
import { type IdempotencyService, readIdempotencyKey } from './idempotency.service.js';
import { toOrderJson } from './order.mapper.js';
import { answerForCurrentOrder, answerForPlacedOrder } from './order-answer.js';
import type { OrderLifecycleService } from './order-lifecycle.service.js';
import { mergeLines, parseCreateOrder } from './order-request.js';
import type { OrdersService } from './orders.service.js';

const REFUND_PENDING_MESSAGE = 'The order is cancelled; its refund could not be confirmed yet and will be retried';

/** Integer fields of a create-order body: written as floats (1.0) they are refused, not rounded. */
const ORDER_INTEGER_FIELDS = new Set(['product_ids', 'product_id', 'quantity']);

export function ordersRouter(orders: OrdersService, idempotency: IdempotencyService, lifecycle: OrderLifecycleService): Router {
  const router = Router();
  const customerOrAdmin = requireRole('customer', 'admin');

  defineRoute(router, '/api/orders', {
    get: [
      customerOrAdmin,
      async (req, res) => {
        const query = parseOrThrow(orderListQuery, req.query);
        const { items, total } = await lifecycle.list(req.auth!, query);
        setPaginationHeaders(req, res, query, total);
        res.json(items.map(toOrderJson));
      },
    ],
    post: async (req, res) => {
      assertIntegerLiterals(req, ORDER_INTEGER_FIELDS);
      const body = parseCreateOrder(req.body);
      const key = readIdempotencyKey(req.get('Idempotency-Key'));
      const ctx = callContext(req);
      const place = async (orderId?: string) =>
        answerForPlacedOrder(
          await orders.placeOrder(
            {
              orderId,
              customerName: body.customer_name,
              // Only a customer token binds the order to a user; admins and services order anonymously.
              userId: req.auth?.role === 'customer' ? req.auth.sub : null,
              lines: mergeLines(body),
            },
            ctx,
          ),
        );
      const answer =
        key === undefined
          ? { ...(await place()), replayed: false }
          : await idempotency.run(
              { scope: req.auth ? `${req.auth.role}:${req.auth.sub}` : 'anonymous', key, body: req.body },
              { execute: place, answerFor: async (orderId) => answerForOrderId(orders, orderId) },
              req.log,
            );
      const orderId = (answer.body as { id?: unknown } | null)?.id;
      if (typeof orderId === 'string') res.location(`/api/orders/${orderId}/`);
      if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(answer.status).json(answer.body);
    },
  });

  defineRoute(router, '/api/orders/:id', {
    get: async (req, res) => {
      res.json(toOrderJson(await orders.getOrder(parseUuidParam(req.params.id), req.auth)));
    },
  });

  defineRoute(router, '/api/orders/:id/cancel', {
    post: [
      customerOrAdmin,
      async (req, res) => {
        const body = parseOrThrow(orderCancelBody, req.body);
        const { order, refundPending } = await lifecycle.cancel(parseUuidParam(req.params.id), req.auth!, body?.reason, callContext(req));
        if (refundPending) {
          res.status(202).json({ ...toOrderJson(order), error: REFUND_PENDING_MESSAGE, code: 'refund_pending' });
        } else {
          res.json(toOrderJson(order));
        }
      },
    ],
  });

  defineRoute(router, '/api/orders/:id/status', {
    patch: [
      requireRole('admin'),
      async (req, res) => {
        const { status } = parseOrThrow(orderStatusBody, req.body);
        res.json(toOrderJson(await lifecycle.setFulfilmentStatus(parseUuidParam(req.params.id), req.auth!, status, callContext(req))));
      },
    ],
  });
  return router;
}

async function answerForOrderId(orders: OrdersService, orderId: string) {
  const order = await orders.findOrder(orderId);
  return order ? answerForCurrentOrder(order) : null;
}

function callContext(req: Request): CallContext {
  return { requestId: String(req.id), log: req.log };
}
