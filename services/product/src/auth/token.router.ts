import { accessJson, refreshBody, tokenBody, tokensJson } from '@order-system/contracts';
import { type AnyRouteSpec, clientAddress, createAttemptLimiter, type Logger, rateLimited, route } from '@order-system/platform';
import type { Request } from 'express';
import { JWT_EXAMPLE } from '../examples.js';
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

export function tokenRoutes(issuer: TokenIssuer, logger: Logger): AnyRouteSpec[] {
  const perAddress = { limit: FAILURES_PER_ADDRESS, key: clientAddress };
  const logins = createAttemptLimiter({
    windowMs: WINDOW_MS,
    logger,
    limits: [perAddress, { limit: LOGIN_FAILURES_PER_USERNAME, key: username }],
  });
  const refreshes = createAttemptLimiter({ windowMs: WINDOW_MS, logger, limits: [perAddress] });

  return [
    route({
      method: 'post',
      path: '/api/token/',
      operationId: 'createToken',
      summary: 'Admin tokens for the admin credentials (ADMIN_USERNAME / ADMIN_PASSWORD)',
      description: 'Always rate limited, per client address and per username (429 with Retry-After).',
      access: { public: true },
      attempts: logins,
      body: { schema: tokenBody, example: { username: 'admin', password: 'admin-dev-password' } },
      responses: {
        200: { description: 'an access and a refresh token', schema: tokensJson, example: { access: JWT_EXAMPLE, refresh: JWT_EXAMPLE } },
        401: {
          description: 'wrong credentials',
          schema: 'Error',
          headers: ['WWW-Authenticate'],
          example: { error: 'Invalid username or password', code: 'unauthorized' },
        },
        429: {
          description: 'too many attempts from this client address or for this username (always limited); retry after Retry-After seconds',
          schema: 'Error',
          headers: ['Retry-After'],
          example: rateLimited(900).toJSON(),
        },
      },
      handler: ({ body }, _req, res) => {
        res.json(issuer.login(body.username, body.password));
      },
    }),
    route({
      method: 'post',
      path: '/api/token/refresh/',
      operationId: 'refreshToken',
      summary: 'A new access token for a refresh token',
      access: { public: true },
      attempts: refreshes,
      body: { schema: refreshBody, example: { refresh: JWT_EXAMPLE } },
      responses: {
        200: { description: 'a new access token', schema: accessJson, example: { access: JWT_EXAMPLE } },
        401: {
          description: 'not a valid refresh token (an access token is not one)',
          schema: 'Error',
          headers: ['WWW-Authenticate'],
          example: { error: 'Authentication credentials were not provided or are invalid', code: 'unauthorized' },
        },
      },
      handler: ({ body }, _req, res) => {
        res.json(issuer.refresh(body.refresh));
      },
    }),
  ];
}
