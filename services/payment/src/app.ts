import { authenticate, createServiceApp } from '@order-system/platform';
import { type Express, Router } from 'express';
import type { PaymentDeps } from './deps.js';
import { paymentOpenApi } from './openapi.js';
import { paymentsRouter } from './payments/payments.router.js';

export function createApp(deps: PaymentDeps): Express {
  const routes = Router();
  routes.use(authenticate(deps.tokens));
  routes.use(paymentsRouter(deps.payments));
  return createServiceApp({
    service: 'payment',
    logger: deps.logger,
    readiness: deps.readiness,
    routes,
    metrics: deps.metrics,
    openapi: paymentOpenApi,
    http: deps.config,
    tokens: deps.tokens,
  });
}
