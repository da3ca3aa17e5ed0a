import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, type Options, rateLimit } from 'express-rate-limit';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isProbe } from './probe-paths.js';

/**
 * Limits live in each process's memory (express-rate-limit's MemoryStore): replicas of a
 * service each count their own clients.
 */

/** The 429 of the contract: retry after this many seconds. */
export const rateLimited = (seconds: number): AppError =>
  new AppError(429, 'rate_limited', `Too many requests; retry in ${seconds} s`, { headers: { 'Retry-After': String(seconds) } });

/** The 429, with Retry-After in whole seconds (at least 1). */
const tooManyRequests: Options['handler'] = (req, _res, next) => {
  const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + 1000) - Date.now()) / 1000));
  next(rateLimited(seconds));
};

/** The library's own warnings (a proxy header without `trust proxy`, say) go to the service's log. */
const libraryLogger = (logger: Logger): Options['logger'] => ({
  error: (err, message) => logger.warn({ err }, message ?? 'rate limiter'),
  warn: (err, message) => logger.warn({ err }, message ?? 'rate limiter'),
});

/** The client address, with IPv6 addresses taken by their /56 as one client (one household, one host). */
export const clientAddress = (req: Request): string => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '');

/**
 * RATE_LIMIT_PER_MINUTE requests per minute per client address on every route; 0 turns it off.
 * `exempt` tells the services' own calls (the order service is one address making every
 * reservation and charge) from clients'.
 */
export function generalRateLimit(perMinute: number, logger: Logger, exempt: (req: Request) => boolean = () => false): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: clientAddress,
    skip: (req) => isProbe(req.path) || exempt(req),
    handler: tooManyRequests,
    logger: libraryLogger(logger),
  });
}

export interface AttemptLimit {
  /** At most this many attempts per window and key... */
  limit: number;
  /** ...where the key is this (an address, a username); an attempt without a key is not limited by it. */
  key: (req: Request) => string | undefined;
}

export interface AttemptLimiter {
  /** Counts the request as an attempt under every limit; 429 once any key is over its limit. */
  check: RequestHandler[];
  /** Wraps the handler that makes the attempt: one that succeeds (returns without throwing) is not counted. */
  counting: (handler: RequestHandler) => RequestHandler;
}

/**
 * Failed attempts only (password guesses, forged refresh tokens). Every attempt is counted when it
 * arrives, so a burst of guesses gets no further than the limit, and uncounted as soon as it
 * succeeds, in the same turn of the event loop: correct logins never add up, however many or
 * concurrent. Once a key is over its limit every attempt is refused, a correct one too: a 200 among
 * the 429s would tell a guesser that the password was right.
 */
export function createAttemptLimiter(options: { windowMs: number; limits: AttemptLimit[]; logger: Logger }): AttemptLimiter {
  const limits = options.limits.map(({ limit, key }) => {
    const store = new MemoryStore();
    const middleware = rateLimit({
      windowMs: options.windowMs,
      limit,
      store,
      standardHeaders: false,
      legacyHeaders: false,
      keyGenerator: (req) => key(req) ?? '',
      skip: (req) => key(req) === undefined,
      handler: tooManyRequests,
      logger: libraryLogger(options.logger),
    });
    return { key, store, middleware };
  });
  return {
    check: limits.map((entry) => entry.middleware),
    counting: (handler) => async (req, res, next) => {
      await handler(req, res, next);
      for (const { key, store } of limits) {
        const k = key(req);
        if (k !== undefined) void store.decrement(k);
      }
    },
  };
}
