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

/** What the request's Authorization header proved: claims, nothing (no header), or why it is refused. */
type Outcome = { claims?: Claims; error?: unknown };
const OUTCOME = Symbol('authentication outcome');
type Identified = Request & { [OUTCOME]?: Outcome };

/** The header is verified once per request, whoever asks first (the rate limiter's exemption, the routes). */
function outcome(req: Request, tokens: TokenService): Outcome {
  const known = (req as Identified)[OUTCOME];
  if (known) return known;
  let result: Outcome;
  try {
    const token = bearerToken(req);
    result = token === undefined ? {} : { claims: tokens.verify(token, 'access') };
  } catch (error) {
    result = { error };
  }
  (req as Identified)[OUTCOME] = result;
  if (result.claims) req.auth = result.claims;
  return result;
}

/**
 * Reads `Authorization: Bearer <jwt>` and sets `req.auth` when it is a valid access token, and
 * nothing else: a bad header is refused later, by `authenticate`, where the routes begin. Run
 * early (before the rate limiter, which exempts service calls), so the token is verified once.
 */
export function identify(tokens: TokenService): RequestHandler {
  return (req, _res, next) => {
    outcome(req, tokens);
    next();
  };
}

/**
 * Sets `req.auth` from `Authorization: Bearer <jwt>` when present. A header that is present but
 * malformed or invalid is a 401, also where a token is optional. A request `identify` has seen is
 * not verified again.
 */
export function authenticate(tokens: TokenService): RequestHandler {
  return (req, _res, next) => {
    next(outcome(req, tokens).error);
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
