import type { Request, RequestHandler } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import type { Claims, Role, TokenService } from './tokens.js';

declare global {
  namespace Express {
    interface Request {
      auth?: Claims;
    }
  }
}

// RFC 7235: the scheme is case-insensitive (`bearer` is as good as `Bearer`).
const BEARER = /^Bearer +([A-Za-z0-9\-_.]+)$/i;

/**
 * The token of the request's `Authorization: Bearer <jwt>` header; undefined when there is none.
 * A header that is sent more than once or is not a bearer token is a 401.
 */
function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  // Node keeps the first of several Authorization headers and drops the others; a proxy in front
  // may read another one. Which caller this is must not be ambiguous.
  if ((req.headersDistinct.authorization?.length ?? 0) > 1) throw new UnauthorizedError('Authorization header must be sent once');
  const match = BEARER.exec(header);
  if (!match?.[1]) throw new UnauthorizedError('Authorization header must be "Bearer <token>"');
  return match[1];
}

/**
 * Reads `Authorization: Bearer <jwt>` when present and sets `req.auth`. A header that is
 * present but malformed or invalid is a 401 even where a token is optional.
 */
export function authenticate(tokens: TokenService): RequestHandler {
  return (req, _res, next) => {
    try {
      const token = bearerToken(req);
      if (token !== undefined) req.auth = tokens.verify(token, 'access');
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Whether the request is one of the services' own calls: a single, valid access token of role
 * `service`. Nothing is set on the request; the route still authenticates it as usual.
 */
export function isServiceCall(tokens: TokenService): (req: Request) => boolean {
  return (req) => {
    try {
      const token = bearerToken(req);
      return token !== undefined && tokens.verify(token, 'access').role === 'service';
    } catch {
      return false;
    }
  };
}

/** 401 without a valid token, 403 with a valid token of another role. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth) {
      next(new UnauthorizedError());
      return;
    }
    if (!roles.includes(req.auth.role)) {
      next(new ForbiddenError());
      return;
    }
    next();
  };
}
