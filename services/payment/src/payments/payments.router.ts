import { parseUuidParam, paymentBody, refundBody, voidBody } from '@order-system/contracts';
import { defineRoute, parseOrThrow, requireRole } from '@order-system/platform';
import { Router } from 'express';
import { toPaymentJson } from './payment.mapper.js';
import type { PaymentsService } from './payments.service.js';

export function paymentsRouter(payments: PaymentsService): Router {
  const router = Router();
  const trusted = requireRole('service', 'admin');

  defineRoute(router, '/api/payments', {
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
  });

  defineRoute(router, '/api/payments/:orderId', {
    get: async (req, res) => {
      res.json(toPaymentJson(await payments.get(parseUuidParam(req.params.orderId))));
    },
  });

  defineRoute(router, '/api/payments/:orderId/refund', {
    post: [
      trusted,
      async (req, res) => {
        const body = parseOrThrow(refundBody, req.body);
        res.json(toPaymentJson(await payments.refund(parseUuidParam(req.params.orderId), body?.reason, req.log)));
      },
    ],
  });

  defineRoute(router, '/api/payments/:orderId/void', {
    post: [
      trusted,
      async (req, res) => {
        const body = parseOrThrow(voidBody, req.body);
        res.json(toPaymentJson(await payments.void(parseUuidParam(req.params.orderId), body?.reason, req.log)));
      },
    ],
  });
  return router;
}
