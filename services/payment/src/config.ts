import { baseConfigSchema, loadConfig, portSchema } from '@order-system/platform';
import { z } from 'zod';

export const paymentConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8002),
  DATABASE_URL: z.string().min(1).default('file:./data/payment.db'),
  /** Share (0–1) of charge requests answered 503 before anything is touched: fault injection for demos and tests. */
  PAYMENT_FAILURE_RATE: z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0),
  /** Delay added to each charge's answer after the payment is stored, so callers can time out after a real charge. */
  PAYMENT_LATENCY_MS: z.coerce.number().int('must be an integer').min(0).max(60_000).default(0),
});

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;

export function loadPaymentConfig(env: Record<string, string | undefined>): PaymentConfig {
  return loadConfig(paymentConfigSchema, env);
}
