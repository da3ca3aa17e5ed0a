import { createServiceApp, type ServiceApi } from '@order-system/platform';
import type { Express } from 'express';
import { tokenRoutes } from './auth/token.router.js';
import type { ProductDeps } from './deps.js';
import { productsRoutes } from './products/products.router.js';
import { reservationsRoutes } from './reservations/reservations.router.js';

/** The product service's API: every route, each declared once beside its handler. */
export function productApi(deps: ProductDeps): ServiceApi {
  return {
    title: 'Product service',
    description:
      'Catalogue, stock and stock reservations, and the admin tokens (`POST /api/token/`). Prices are decimal strings ' +
      'with two places; inputs also take a number with at most two decimals. Paths take a trailing slash or not.',
    port: 8001,
    ready: { checks: ['database'] },
    routes: [...tokenRoutes(deps.tokenIssuer, deps.logger), ...reservationsRoutes(deps.reservations), ...productsRoutes(deps.products)],
  };
}

export function createApp(deps: ProductDeps): Express {
  return createServiceApp({
    service: 'product',
    logger: deps.logger,
    readiness: deps.readiness,
    api: productApi(deps),
    metrics: deps.metrics,
    http: deps.config,
    tokens: deps.tokens,
  });
}
