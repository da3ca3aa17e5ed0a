import { type RequestHandler, Router } from 'express';
import { requireRole } from '../auth/middleware.js';
import { assertIntegerLiterals } from './integer-literals.js';
import { requestContext } from './request-context.js';
import { defineRoute, type RouteHandlers } from './route.js';
import type { AnyRouteSpec, HttpMethod, PathParam } from './route-spec.js';
import { parseOrThrow } from './validate.js';

/** `/api/products/{id}/` as Express writes it: `/api/products/:id` (Express answers both slash forms). */
export function expressPath(path: string): string {
  const bare = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return bare.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Literal segments before parameters, position by position: `/api/products/reservations` is
 * registered before `/api/products/:id`, which would otherwise take "reservations" for an id.
 */
function bySpecificity(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const l = (left[i] as string).startsWith(':');
    const r = (right[i] as string).startsWith(':');
    if (l !== r) return l ? 1 : -1;
  }
  return 0;
}

/**
 * The Express router of a list of route specs: per path, the methods it has (405 with Allow for
 * the others, 204 with Allow for OPTIONS); per route, its role check, its attempt limits, the
 * unknown query parameters refused (on /api/ routes), then its path parameters, integer literals,
 * body and query parsed, and its handler called with them.
 */
export function apiRouter(routes: readonly AnyRouteSpec[]): Router {
  const router = Router();
  const byPath = new Map<string, { handlers: RouteHandlers; query: Partial<Record<HttpMethod, AnyRouteSpec['query']>> }>();
  for (const spec of routes) {
    const path = expressPath(spec.path);
    const entry = byPath.get(path) ?? { handlers: {}, query: {} };
    if (entry.handlers[spec.method]) throw new Error(`${spec.method.toUpperCase()} ${spec.path} is declared twice`);
    entry.handlers[spec.method] = handlersOf(spec);
    entry.query[spec.method] = spec.query;
    byPath.set(path, entry);
  }
  for (const path of [...byPath.keys()].sort(bySpecificity)) {
    const { handlers, query } = byPath.get(path) as NonNullable<ReturnType<typeof byPath.get>>;
    defineRoute(router, path, handlers, { query });
  }
  return router;
}

function handlersOf(spec: AnyRouteSpec): RequestHandler[] {
  const checks: RequestHandler[] = [];
  if ('roles' in spec.access) checks.push(requireRole(...spec.access.roles));
  if (spec.attempts) checks.push(...spec.attempts.check);
  const integers = spec.body?.integerFields ? new Set(spec.body.integerFields) : undefined;
  const params = Object.entries((spec.params ?? {}) as Record<string, PathParam<unknown>>);
  const run: RequestHandler = async (req, res) => {
    const input = {
      params: Object.fromEntries(params.map(([name, param]) => [name, param.parse(String(req.params[name] ?? ''))])),
      query: undefined as unknown,
      body: undefined as unknown,
      auth: req.auth,
      ctx: requestContext(req),
    };
    if (integers) assertIntegerLiterals(req, integers);
    if (spec.body) input.body = spec.body.parse ? spec.body.parse(req.body) : parseOrThrow(spec.body.schema, req.body);
    if (spec.query) input.query = parseOrThrow(spec.query, req.query);
    await spec.handler(input, req, res);
  };
  // defineRoute puts the query check just before the last handler: after the role and attempt checks.
  return [...checks, spec.attempts ? spec.attempts.counting(run) : run];
}
