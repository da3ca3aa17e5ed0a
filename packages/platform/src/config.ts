import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { hardeningConfigShape } from './http/hardening-config.js';

/** The development secret from .env.example. A service refuses to start with it in production. */
export const EXAMPLE_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Variables every service reads. Services extend this with their own. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('0.0.0.0'),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').default(EXAMPLE_JWT_SECRET),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** Connections of the PostgreSQL pool of one process (DATABASE_URL=postgresql://…); unused on SQLite. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** How long a request waits for a free PostgreSQL connection before it is answered 503 (with Retry-After). */
  DATABASE_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  ...hardeningConfigShape,
});

export const portSchema = port;

export type BaseConfig = z.infer<typeof baseConfigSchema>;

/**
 * Parses `env` with `schema` once, at boot. Every bad variable is named in one error, and the
 * example secrets are refused when NODE_ENV=production.
 */
export function loadConfig<S extends z.ZodType<BaseConfig>>(
  schema: S,
  env: Record<string, string | undefined>,
  productionForbidden: Record<string, string> = {},
): z.infer<S> {
  // Empty strings mean "not set", as they do in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  const config = result.data as z.infer<S>;
  if (config.NODE_ENV === 'production') {
    const forbidden = { JWT_SECRET: EXAMPLE_JWT_SECRET, ...productionForbidden };
    const problems = Object.entries(forbidden)
      .filter(([key, example]) => (config as Record<string, unknown>)[key] === example)
      .map(([key]) => `${key}: the example value is not allowed when NODE_ENV=production`);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return config;
}

/** `file:./data/x.db` or a plain path -> an absolute file path (relative to `base`). */
export function databaseFileFromUrl(url: string, base = process.cwd()): string {
  const path = url.replace(/^file:/, '');
  if (path === ':memory:') return path;
  return isAbsolute(path) ? path : resolve(base, path);
}
