import cors from 'cors';
import type { RequestHandler } from 'express';

/** What a browser client sends besides the CORS-safelisted headers. */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'];
/** What a browser client may read of an answer besides the safelisted headers. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Total-Count',
  'Link',
  'Location',
  'Retry-After',
  'RateLimit',
  'RateLimit-Policy',
  'Idempotent-Replayed',
  'WWW-Authenticate',
  'Allow',
];

/**
 * CORS for the origins of CORS_ORIGINS (none by default; `*` for any). An allowed origin's
 * preflight is answered 204 with the CORS headers; any other origin gets no CORS header at all,
 * so the browser keeps its pages from reading our answers. Tokens travel in Authorization, never
 * in cookies, so credentials are not allowed.
 */
export function corsFor(origins: string[]): RequestHandler {
  if (origins.length === 0) return (_req, _res, next) => next();
  const any = origins.includes('*');
  return cors({
    origin: any ? '*' : (origin, callback) => callback(null, origin !== undefined && origins.includes(origin) ? origin : false),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
}
