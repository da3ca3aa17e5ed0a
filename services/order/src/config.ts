import { baseConfigSchema, loadConfig, portSchema } from '@order-system/platform';
import { z } from 'zod';

const serviceUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default(fallback)
    .transform((url) => url.replace(/\/+$/, ''));

const integer = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const orderConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8000),
  DATABASE_URL: z.string().min(1).default('file:./data/order.db'),
  PRODUCT_SERVICE_URL: serviceUrl('http://127.0.0.1:8001'),
  PAYMENT_SERVICE_URL: serviceUrl('http://127.0.0.1:8002'),
  /** Time allowed for one attempt of one call to another service. */
  UPSTREAM_TIMEOUT_MS: integer(50, 60_000, 3000),
  /** Extra attempts after a transient failure (network error, timeout, 5xx, 429): 2 means 3 attempts. */
  PAYMENT_RETRIES: integer(0, 5, 2),
  PRODUCT_RETRIES: integer(0, 5, 2),
  /** First retry waits about this long, each next one twice as long, plus up to 50 % jitter. */
  RETRY_BASE_DELAY_MS: integer(0, 10_000, 200),
});

export type OrderConfig = z.infer<typeof orderConfigSchema>;

export function loadOrderConfig(env: Record<string, string | undefined>): OrderConfig {
  return loadConfig(orderConfigSchema, env);
}
