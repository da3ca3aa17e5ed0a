import { createLogger } from '@order-system/platform';
import { closeWhenFileEnds, migratedDatabaseUrl, TEST_JWT_SECRET } from '@order-system/testing';
import { createApp } from '../src/app.js';
import { loadProductConfig } from '../src/config.js';
import { createDeps, type ProductDeps } from '../src/deps.js';

/** The admin password every test app is configured with. */
export const ADMIN_PASSWORD = 'correct-horse-battery';

export interface TestProductApp {
  app: ReturnType<typeof createApp>;
  deps: ProductDeps;
  databaseUrl: string;
}

/** The real product app over its own new SQLite file, configured as a test would deploy it. */
export async function createTestProductApp(env: Record<string, string> = {}): Promise<TestProductApp> {
  const databaseUrl = env.DATABASE_URL ?? migratedDatabaseUrl('product');
  const config = loadProductConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: databaseUrl,
    SEED_DEMO_PRODUCTS: 'false',
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD,
    ...env,
  });
  const deps = await createDeps(config, createLogger({ service: 'product', level: 'silent' }));
  // Closed when the test file ends, if the test does not close it itself.
  deps.close = closeWhenFileEnds(deps.close);
  return { app: createApp(deps), deps, databaseUrl };
}
