import type { RequestHandler, Router } from 'express';
import type { z } from 'zod';
import { MethodNotAllowedError } from '../errors.js';
import { strictQuery } from './query.js';
import type { HttpMethod } from './route-spec.js';

export type RouteHandlers = Partial<Record<HttpMethod, RequestHandler | RequestHandler[]>>;

export interface RouteOptions {
  /** The query parameters each method takes (the schema its handler parses them with); the others take none. */
  query?: Partial<Record<HttpMethod, z.ZodObject>>;
}

/** API routes refuse query parameters they do not take; health, readiness, metrics and docs ignore them (probes and browsers add cache busters). */
const isApiPath = (path: string) => path.startsWith('/api/');

/**
 * Registers the handlers of one path and answers every other method with 405 and an Allow
 * header, and OPTIONS with 204 and Allow. Express matches the path with or without a trailing slash.
 */
export function defineRoute(router: Router, path: string, handlers: RouteHandlers, options: RouteOptions = {}): void {
  const route = router.route(path);
  const allowed: string[] = [];
  for (const [method, handler] of Object.entries(handlers) as [HttpMethod, RequestHandler | RequestHandler[]][]) {
    const list = Array.isArray(handler) ? [...handler] : [handler];
    // After the role checks (a caller without the right token learns nothing about the query), before the work.
    if (isApiPath(path)) list.splice(list.length - 1, 0, strictQuery(options.query?.[method]));
    route[method](...list);
    allowed.push(method.toUpperCase());
    if (method === 'get') allowed.push('HEAD');
  }
  // OPTIONS says what the path takes (a CORS preflight of an allowed origin is answered before this).
  allowed.push('OPTIONS');
  route.options((_req, res) => {
    res.setHeader('Allow', allowed.join(', '));
    res.status(204).end();
  });
  route.all((req, _res, next) => next(new MethodNotAllowedError(req.method, allowed)));
}
