// pino-http adds `req.log` and `req.id` to every request's type. The reference is kept in the emitted
// declarations (`preserve`), so a service compiled against this package's dist sees them too.
/// <reference types="pino-http" preserve="true" />
import express, { type Express, type RequestHandler, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import { isServiceCall } from '../auth/middleware.js';
import type { TokenService } from '../auth/tokens.js';
import { AppError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { corsFor } from './cors.js';
import { errorHandler } from './error-handler.js';
import { type HttpHardeningSettings, keepRawUtf8Body, requireUtf8Json, securityHeaders } from './hardening.js';
import { ServiceMetrics } from './metrics.js';
import { generalRateLimit } from './rate-limit.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { requestLogLevel } from './request-log.js';
import { defineRoute } from './route.js';
import { docsAssets, docsPage } from './swagger-ui.js';

export const BODY_LIMIT = '100kb';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'unavailable'>;
}

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  /** Whether the service can do its work now (its database answers, and so on). */
  readiness: () => Promise<ReadinessReport>;
  /** The service's routes, mounted after the common middleware. */
  routes: Router;
  /** The service's OpenAPI 3 document, served at /openapi.json and rendered by Swagger UI at /docs. */
  openapi: object;
  /** CORS origins and the general rate limit, from the service's configuration (none and off when absent). */
  http?: HttpHardeningSettings;
  /** The service's tokens: calls with a service token (the services' own) are not rate limited. */
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
  app.use(
    securityHeaders(),
    corsFor(options.http?.CORS_ORIGINS ?? []),
    generalRateLimit(options.http?.RATE_LIMIT_PER_MINUTE ?? 0, options.logger, options.tokens ? isServiceCall(options.tokens) : undefined),
  );
  app.use(requireJsonBody, requireUtf8Json);
  app.use(express.json({ limit: BODY_LIMIT, strict: false, type: ['application/json', 'application/*+json'], verify: keepRawUtf8Body }));

  const common = express.Router();
  defineRoute(common, '/health', {
    get: (_req, res) => {
      res.json({ status: 'ok', service: options.service });
    },
  });
  defineRoute(common, '/ready', {
    get: async (_req, res) => {
      const report = await options.readiness();
      res.status(report.ready ? 200 : 503).json({
        status: report.ready ? 'ready' : 'unavailable',
        service: options.service,
        checks: report.checks,
      });
    },
  });
  // The document never changes: serialized once, not on every request.
  const openapiJson = JSON.stringify(options.openapi);
  defineRoute(common, '/openapi.json', {
    get: (_req, res) => {
      res.type('json').send(openapiJson);
    },
  });
  defineRoute(common, '/metrics', { get: metrics.handler });
  const docs = docsPage(options.service);
  defineRoute(common, '/docs', {
    get: (_req, res) => {
      res.type('html').send(docs);
    },
  });
  app.use(common);
  app.use('/docs', docsAssets());
  app.use(options.routes);

  app.use((req, _res, next) => {
    next(new NotFoundError(`Route ${req.method} ${req.path} not found`, 'route_not_found'));
  });
  app.use(errorHandler);
  return app;
}

export { REQUEST_ID_HEADER };
