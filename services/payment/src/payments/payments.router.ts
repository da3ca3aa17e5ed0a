import { parseUuidParam, paymentActionBody, paymentBody, paymentListQuery } from '@order-system/contracts';
import { defineRoute, parseOrThrow, requireRole, setPaginationHeaders } from '@order-system/platform';
import { Router } from 'express';
import { toPaymentJson } from './payment.mapper.js';
import type { PaymentsService } from './payments.service.js';

export function paymentsRouter(payments: PaymentsService): Router {
  const router = Router();
  const trusted = requireRole('service', 'admin');

  defineRoute(
    router,
    '/api/payments',
    {
      get: [
        trusted,
        async (req, res) => {
          const query = parseOrThrow(paymentListQuery, req.query);
          const { items, total } = await payments.list(query);
          setPaginationHeaders(req, res, query, total);
          res.json(items.map(toPaymentJson));
        },
      ],
      post: [
        trusted,
        async (req, res) => {
          const { processed, payment } = await payments.charge(parseOrThrow(paymentBody, req.body), req.log);
          res
            .status(processed ? 201 : 200)
            .location(`/api/payments/${payment.orderId}/`)
            .json(toPaymentJson(payment));
        },
      ],
    },
    { query: { get: paymentListQuery } },
  );

  defineRoute(router, '/api/payments/:orderId', {
    get: async (req, res) => {
      res.json(toPaymentJson(await payments.get(parseUuidParam(req.params.orderId))));
    },
  });

  // Refund and void: same shape (order id in the path, optional reason), different rule in the service.
  const actions = { refund: payments.refund.bind(payments), void: payments.void.bind(payments) };
  for (const [action, run] of Object.entries(actions)) {
    defineRoute(router, `/api/payments/:orderId/${action}`, {
      post: [
        trusted,
        async (req, res) => {
          const body = parseOrThrow(paymentActionBody, req.body);
          res.json(toPaymentJson(await run(parseUuidParam(req.params.orderId), body?.reason, req.log)));
        },
      ],
    });
  }
  return router;
}
