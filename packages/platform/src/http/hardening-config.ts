import express from 'express';
import { z } from 'zod';
import { DEFAULT_MAX_TOKEN_TTL_SECONDS } from '../auth/tokens.js';

const ORIGIN = /^https?:\/\/[^/?#\s]+$/;

/** CORS_ORIGINS: comma-separated origins (`https://app.example.com`), or `*` for any; empty means none. */
const corsOrigins = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter((origin) => origin !== ''),
  )
  .refine((origins) => origins.every((origin) => origin === '*' || ORIGIN.test(origin)), {
    message: 'must be comma-separated origins such as https://app.example.com, or *',
  });

/**
 * TRUST_PROXY: the peers whose `X-Forwarded-For` tells the client's address (the rate limits count
 * by it), in Express's `trust proxy` terms: empty (the default) trusts none, so the address is the
 * socket's and a client cannot name another; a number trusts that many hops in front of the service
 * (`1`: one load balancer); otherwise comma-separated addresses, subnets or `loopback`,
 * `linklocal`, `uniquelocal`. `true` (trust every hop) is refused: any client could then choose its
 * address.
 */
const trustProxy = z
  .string()
  .default('')
  .transform((value, ctx): false | number | string => {
    const setting = value.trim();
    if (setting === '' || setting === 'false') return false;
    if (/^\d+$/.test(setting)) return Number(setting);
    if (setting === 'true') {
      ctx.addIssue({ code: 'custom', message: 'true would trust any client; name the proxies, or their number of hops' });
      return z.NEVER;
    }
    try {
      // Express compiles the setting when it is set: an address it cannot read throws here, at start.
      express().set('trust proxy', setting);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `must be a number of hops or addresses and subnets: ${(err as Error).message}` });
      return z.NEVER;
    }
    return setting;
  });

/** The settings of the HTTP hardening every service shares (tokens, limits, CORS, timeouts). */
export const hardeningConfigShape = {
  /** Longest lifetime of a token (`exp` - `iat`, or `exp` - now); a longer-lived one is refused. */
  JWT_MAX_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(366 * 24 * 60 * 60)
    .default(DEFAULT_MAX_TOKEN_TTL_SECONDS),
  /** Requests per minute per client address on every route (health, readiness and metrics aside); 0 = no limit. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(0),
  CORS_ORIGINS: corsOrigins,
  TRUST_PROXY: trustProxy,
  /** Time a client has to send a whole request (headers and body) before it gets a 408. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
};
