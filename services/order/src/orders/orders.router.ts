import { parseUuidParam } from '@order-system/contracts';
import { defineRoute } from '@order-system/platform';
import { type Request, Router } from 'express';
import type { CallContext } from '../upstream/upstream-client.js';
import { toOrderJson } from './order.mapper.js';
import type { OrderFailureCode } from './order.types.js';
import { mergeLines, parseCreateOrder } from './order-request.js';
import type { OrdersService } from './orders.service.js';

/** The HTTP answer for each way an order can end up not paid. */
const FAILURE_STATUS: Record<OrderFailureCode, number> = {
  product_not_found: 400,
  out_of_stock: 400,
  payment_failed: 400,
  product_service_unavailable: 503,
  payment_service_unavailable: 503,
  payment_pending: 202,
};

export function ordersRouter(orders: OrdersService): Router {
  const router = Router();

  defineRoute(router, '/api/orders', {
    post: async (req, res) => {
      const body = parseCreateOrder(req.body);
      const { order, failure } = await orders.placeOrder(
        {
          customerName: body.customer_name,
          // Only a customer token binds the order to a user; admins and services order anonymously.
          userId: req.auth?.role === 'customer' ? req.auth.sub : null,
          lines: mergeLines(body),
        },
        callContext(req),
      );
      res.location(`/api/orders/${order.id}/`);
      if (failure) {
        res.status(FAILURE_STATUS[failure.code]).json({ ...toOrderJson(order), error: failure.message, code: failure.code });
      } else {
        res.status(201).json(toOrderJson(order));
      }
    },
  });

  defineRoute(router, '/api/orders/:id', {
    get: async (req, res) => {
      res.json(toOrderJson(await orders.getOrder(parseUuidParam(req.params.id), req.auth)));
    },
  });
  return router;
}

function callContext(req: Request): CallContext {
  return { requestId: String(req.id), log: req.log };
}
