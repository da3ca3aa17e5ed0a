import { baseConfigSchema, loadConfig, portSchema } from '@order-system/platform';
import { z } from 'zod';

export const EXAMPLE_ADMIN_PASSWORD = 'admin-dev-password';

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const productConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8001),
  DATABASE_URL: z.string().min(1).default('file:./data/product.db'),
  ADMIN_USERNAME: z.string().min(1).default('admin'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').default(EXAMPLE_ADMIN_PASSWORD),
  SEED_DEMO_PRODUCTS: flag.default(true),
});

export type ProductConfig = z.infer<typeof productConfigSchema>;

export function loadProductConfig(env: Record<string, string | undefined>): ProductConfig {
  return loadConfig(productConfigSchema, env, { ADMIN_PASSWORD: EXAMPLE_ADMIN_PASSWORD });
}
