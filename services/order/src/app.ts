import { authenticate, createServiceApp } from '@order-system/platform';
import { type Express, Router } from 'express';
import { cartRouter } from './cart/cart.router.js';
import type { OrderDeps } from './deps.js';
import { orderEventsRouter } from './events/order-events.router.js';
import { orderOpenApi } from './openapi.js';
import { ordersRouter } from './orders/http/orders.router.js';

export function createApp(deps: OrderDeps): Express {
  const routes = Router();
  routes.use(authenticate(deps.tokens));
  // Before the order routes: their /api/orders/:id would take /api/orders/events.
  routes.use(orderEventsRouter(deps.events));
  routes.use(ordersRouter(deps.orders));
  routes.use(cartRouter(deps.cart));
  return createServiceApp({
    service: 'order',
    logger: deps.logger,
    readiness: deps.readiness,
    routes,
    metrics: deps.metrics,
    openapi: orderOpenApi,
    http: deps.config,
    tokens: deps.tokens,
  });
}
