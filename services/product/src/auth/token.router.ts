import { refreshBody, tokenBody } from '@order-system/contracts';
import { clientAddress, createAttemptLimiter, defineRoute, type Logger, parseOrThrow } from '@order-system/platform';
import { type Request, Router } from 'express';
import type { TokenIssuer } from './token.service.js';

/** Failed logins and refreshes are counted over this window... */
const WINDOW_MS = 15 * 60 * 1000;
/** ...at most this many per username (password guessing)... */
const LOGIN_FAILURES_PER_USERNAME = 10;
/** ...and per client address (one address trying many usernames, or forged refresh tokens). */
const FAILURES_PER_ADDRESS = 30;

const username = (req: Request): string | undefined => {
  const value = (req.body as { username?: unknown } | undefined)?.username;
  return typeof value === 'string' ? `username:${value.slice(0, 200)}` : undefined;
};

export function tokenRouter(issuer: TokenIssuer, logger: Logger): Router {
  const router = Router();
  const perAddress = { limit: FAILURES_PER_ADDRESS, key: clientAddress };
  const logins = createAttemptLimiter({
    windowMs: WINDOW_MS,
    logger,
    limits: [perAddress, { limit: LOGIN_FAILURES_PER_USERNAME, key: username }],
  });
  const refreshes = createAttemptLimiter({ windowMs: WINDOW_MS, logger, limits: [perAddress] });

  defineRoute(router, '/api/token', {
    post: [
      ...logins.check,
      logins.counting((req, res) => {
        const { username, password } = parseOrThrow(tokenBody, req.body);
        res.json(issuer.login(username, password));
      }),
    ],
  });
  defineRoute(router, '/api/token/refresh', {
    post: [
      ...refreshes.check,
      refreshes.counting((req, res) => {
        res.json(issuer.refresh(parseOrThrow(refreshBody, req.body).refresh));
      }),
    ],
  });
  return router;
}
