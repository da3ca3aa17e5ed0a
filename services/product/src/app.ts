import { authenticate, createServiceApp } from '@order-system/platform';
import { type Express, Router } from 'express';
import { tokenRouter } from './auth/token.router.js';
import type { ProductDeps } from './deps.js';
import { productOpenApi } from './openapi.js';
import { productsRouter } from './products/products.router.js';
import { reservationsRouter } from './reservations/reservations.router.js';

export function createApp(deps: ProductDeps): Express {
  const routes = Router();
  routes.use(authenticate(deps.tokens));
  routes.use(tokenRouter(deps.tokenIssuer, deps.logger));
  // Reservations first: /api/products/reservations must not be taken for a product id.
  routes.use(reservationsRouter(deps.reservations));
  routes.use(productsRouter(deps.products));
  return createServiceApp({
    service: 'product',
    logger: deps.logger,
    readiness: deps.readiness,
    routes,
    metrics: deps.metrics,
    openapi: productOpenApi,
    http: deps.config,
    tokens: deps.tokens,
  });
}
