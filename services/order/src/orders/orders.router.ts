import { orderCancelBody, orderListQuery, orderStatusBody, parseUuidParam } from '@order-system/contracts';
import { assertIntegerLiterals, defineRoute, parseOrThrow, requireRole, setPaginationHeaders } from '@order-system/platform';
import { type Request, Router } from 'express';
import type { CallContext } from '../upstream/upstream-client.js';
import { readIdempotencyKey } from './idempotency.service.js';
import { toOrderJson } from './order.mapper.js';
import type { OrderCreationService } from './order-creation.service.js';
import type { OrderLifecycleService } from './order-lifecycle.service.js';
import { mergeLines, parseCreateOrder } from './order-request.js';
import type { OrdersService } from './orders.service.js';

const REFUND_PENDING_MESSAGE = 'The order is cancelled; its refund could not be confirmed yet and will be retried';

/** Integer fields of a create-order body: written as floats (1.0) they are refused, not rounded. */
const ORDER_INTEGER_FIELDS = new Set(['product_ids', 'product_id', 'quantity']);

export function ordersRouter(orders: OrdersService, creation: OrderCreationService, lifecycle: OrderLifecycleService): Router {
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
          const { items, total } = await lifecycle.list(req.auth!, query);
          setPaginationHeaders(req, res, query, total);
          res.json(items.map(toOrderJson));
        },
      ],
      post: async (req, res) => {
        assertIntegerLiterals(req, ORDER_INTEGER_FIELDS);
        const body = parseCreateOrder(req.body);
        const answer = await creation.create(
          {
            customerName: body.customer_name,
            lines: mergeLines(body),
            caller: req.auth,
            idempotencyKey: readIdempotencyKey(req.get('Idempotency-Key')),
            body: req.body,
          },
          callContext(req),
        );
        const orderId = (answer.body as { id?: unknown } | null)?.id;
        if (typeof orderId === 'string') res.location(`/api/orders/${orderId}/`);
        if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
        res.status(answer.status).json(answer.body);
      },
    },
    { query: { get: orderListQuery } },
  );

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

function callContext(req: Request): CallContext {
  return { requestId: String(req.id), log: req.log };
}
