import net from 'node:net';
import { createLogger } from '@order-system/platform';
import { TEST_JWT_SECRET, tempDatabaseUrl } from '@order-system/testing';
import { createApp } from '../src/app.js';
import { loadOrderConfig } from '../src/config.js';
import { createDeps, type OrderDeps } from '../src/deps.js';

export interface TestOrderApp {
  app: ReturnType<typeof createApp>;
  deps: OrderDeps;
  databaseUrl: string;
}

/**
 * The real order app over its own new SQLite file. Its neighbours are wherever `env` says; by
 * default a port of 127.0.0.1 where nothing listens, so any call to them is refused.
 */
export async function createTestOrderApp(env: Record<string, string> = {}): Promise<TestOrderApp> {
  const nowhere = await closedPortUrl();
  const databaseUrl = env.DATABASE_URL ?? tempDatabaseUrl('order');
  const config = loadOrderConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: databaseUrl,
    PRODUCT_SERVICE_URL: nowhere,
    PAYMENT_SERVICE_URL: nowhere,
    RETRY_BASE_DELAY_MS: '5',
    ...env,
  });
  const deps = await createDeps(config, createLogger({ service: 'order', level: 'silent' }));
  return { app: createApp(deps), deps, databaseUrl };
}

/** A URL of 127.0.0.1 on a port that was free a moment ago: connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
