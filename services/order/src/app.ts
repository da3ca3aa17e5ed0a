import { createServiceApp, type ServiceApi } from '@order-system/platform';
import type { Express } from 'express';
import { cartRoutes } from './cart/cart.router.js';
import type { OrderDeps } from './deps.js';
import { orderEventsRoutes } from './events/order-events.router.js';
import { ordersRoutes } from './orders/http/orders.router.js';

/** The order service's API: every route, each declared once beside its handler. */
export function orderApi(deps: OrderDeps): ServiceApi {
  return {
    title: 'Order service',
    description:
      'Orders and the create-order workflow: price lookup, stock reservation, payment. Amounts are decimal strings. ' +
      'An order that is not paid is answered with its JSON plus `error` and `code`. Orders left half done by a crash or an ' +
      'outage are finished or compensated by a recovery job (at start and periodically).',
    port: 8000,
    ready: { checks: ['database', 'product_service', 'payment_service'] },
    routes: [...ordersRoutes(deps.orders), ...orderEventsRoutes(deps.events), ...cartRoutes(deps.cart)],
  };
}

export function createApp(deps: OrderDeps): Express {
  return createServiceApp({
    service: 'order',
    logger: deps.logger,
    readiness: deps.readiness,
    api: orderApi(deps),
    metrics: deps.metrics,
    http: deps.config,
    tokens: deps.tokens,
  });
}
