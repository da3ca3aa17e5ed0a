import type { RequestHandler, Router } from 'express';
import { MethodNotAllowedError } from '../errors.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type RouteHandlers = Partial<Record<Method, RequestHandler | RequestHandler[]>>;

/**
 * Registers the handlers of one path and answers every other method with 405 and an Allow
 * header. Express matches the path with or without a trailing slash.
 */
export function defineRoute(router: Router, path: string, handlers: RouteHandlers): void {
  const route = router.route(path);
  const allowed: string[] = [];
  for (const [method, handler] of Object.entries(handlers) as [Method, RequestHandler | RequestHandler[]][]) {
    const list = Array.isArray(handler) ? handler : [handler];
    route[method](...list);
    allowed.push(method.toUpperCase());
    if (method === 'get') allowed.push('HEAD');
  }
  route.all((req, _res, next) => next(new MethodNotAllowedError(req.method, allowed)));
}
