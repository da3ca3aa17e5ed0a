// pino-http adds `req.log` and `req.id` to every request's type. The reference is kept in the emitted
// declarations (`preserve`), so a service compiled against this package's dist sees them too.
/// <reference types="pino-http" preserve="true" />
import express, { type Express, type RequestHandler, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import { authenticate, identify } from '../auth/middleware.js';
import type { TokenService } from '../auth/tokens.js';
import { AppError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { apiRouter } from './api-router.js';
import { commonRoutes, type ReadinessReport, type ReadyChecks } from './common-routes.js';
import { corsFor } from './cors.js';
import { errorHandler } from './error-handler.js';
import { type HttpHardeningSettings, keepRawUtf8Body, requireUtf8Json, securityHeaders } from './hardening.js';
import { ServiceMetrics } from './metrics.js';
import { openApiDocument } from './openapi-document.js';
import { generalRateLimit } from './rate-limit.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { requestErrorFields, requestLogLevel } from './request-log.js';
import type { AnyRouteSpec } from './route-spec.js';
import { docsAssets, docsPage } from './swagger-ui.js';

export const BODY_LIMIT = '100kb';

/** A service's API: what its document says of it, and its routes, each declared once (see `route()`). */
export interface ServiceApi {
  title: string;
  description: string;
  /** The port `npm start` gives the service, for the document's `servers`. */
  port: number;
  /** What GET /ready reports on this service (the names of its checks). */
  ready: ReadyChecks;
  routes: readonly AnyRouteSpec[];
}

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  /** Whether the service can do its work now (its database answers, and so on). */
  readiness: () => Promise<ReadinessReport>;
  /** The service's routes; its OpenAPI document, served at /openapi.json and rendered by Swagger UI at /docs, is generated from them. */
  api?: ServiceApi;
  /** Plain Express routes, and the document that describes them (tests of the skeleton itself; services pass `api`). */
  routes?: Router;
  openapi?: object;
  /** CORS origins and the general rate limit, from the service's configuration (none and off when absent). */
  http?: HttpHardeningSettings;
  /**
   * The service's tokens: the Authorization header is verified once, before the rate limiter (calls
   * with a service token, the services' own, are not limited), and a bad one refused with 401 where
   * the service's routes begin.
   */
  tokens?: TokenService;
  /** The service's metrics, served at /metrics; built here when the composition root has none. */
  metrics?: ServiceMetrics;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A body sent with a write must be JSON; a write without a body is left to the route to judge. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (WRITE_METHODS.has(req.method) && hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
    next(new AppError(415, 'unsupported_media_type', 'Content-Type must be application/json'));
    return;
  }
  next();
};

function hasBody(req: express.Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The skeleton every service shares: request ids and request logging, JSON bodies up to
 * 100 kB, request metrics and /metrics, /health, /ready, /openapi.json, /docs, 404 and 405 handling, and the one error
 * middleware. The app does not listen; main.ts does.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // The client's address (rate limits, logs) is the socket's unless TRUST_PROXY names the proxies in front.
  app.set('trust proxy', options.http?.TRUST_PROXY ?? false);
  const metrics = options.metrics ?? new ServiceMetrics();
  app.use(metrics.middleware);

  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const id = requestIdFrom(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'request_id' },
      customLogLevel: requestLogLevel,
      customErrorObject: requestErrorFields,
      // The serializers get the raw request and response: pino-http's wrappers would first copy every
      // header of each into an object of their own, only for these to take two fields. No header
      // (Authorization, Cookie) ever reaches the log.
      wrapSerializers: false,
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  if (options.tokens) app.use(identify(options.tokens));
  app.use(
    securityHeaders(),
    corsFor(options.http?.CORS_ORIGINS ?? []),
    generalRateLimit(options.http?.RATE_LIMIT_PER_MINUTE ?? 0, options.logger, isServiceCall),
  );
  app.use(requireJsonBody, requireUtf8Json);
  app.use(express.json({ limit: BODY_LIMIT, strict: false, type: ['application/json', 'application/*+json'], verify: keepRawUtf8Body }));

  const { api } = options;
  // The document never changes: serialized once, not on every request.
  let openApiJson = '';
  const common = commonRoutes(options.service, api?.ready ?? { checks: [] }, {
    readiness: options.readiness,
    metrics: metrics.handler,
    openApiJson: () => openApiJson,
    docsPage: docsPage(options.service),
  });
  const document = api ? openApiDocument({ service: options.service, ...api }, [...api.routes, ...common]) : options.openapi;
  openApiJson = JSON.stringify(document ?? {});
  app.use(apiRouter(common));
  app.use('/docs', docsAssets());
  if (options.tokens) app.use(authenticate(options.tokens));
  if (api) app.use(apiRouter(api.routes));
  if (options.routes) app.use(options.routes);

  app.use((req, _res, next) => {
    next(new NotFoundError(`Route ${req.method} ${req.path} not found`, 'route_not_found'));
  });
  app.use(errorHandler);
  return app;
}

/** The services' own calls (a valid service token, read by `identify`) are not rate limited. */
const isServiceCall = (req: express.Request): boolean => req.auth?.role === 'service';

export { REQUEST_ID_HEADER };
