import { createServiceApp, type ServiceApi } from '@order-system/platform';
import type { Express } from 'express';
import type { PaymentDeps } from './deps.js';
import { paymentsRoutes } from './payments/payments.router.js';

/** The payment service's API: every route, each declared once beside its handler. */
export function paymentApi(deps: PaymentDeps): ServiceApi {
  return {
    title: 'Payment service',
    description:
      'One payment per order, its refund, and its void (a tombstone that keeps a late charge from landing). Amounts ' +
      'are decimal strings. PAYMENT_FAILURE_RATE makes that share of charges answer 503 before anything is stored; ' +
      'PAYMENT_LATENCY_MS delays each charge answer after the payment is stored.',
    port: 8002,
    ready: { checks: ['database'] },
    routes: paymentsRoutes(deps.payments),
  };
}

export function createApp(deps: PaymentDeps): Express {
  return createServiceApp({
    service: 'payment',
    logger: deps.logger,
    readiness: deps.readiness,
    api: paymentApi(deps),
    metrics: deps.metrics,
    http: deps.config,
    tokens: deps.tokens,
  });
}
