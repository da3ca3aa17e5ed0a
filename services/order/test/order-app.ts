import net from 'node:net';
import { createLogger } from '@order-system/platform';
import { closeWhenFileEnds, migratedDatabaseUrl, TEST_JWT_SECRET } from '@order-system/testing';
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
  const databaseUrl = env.DATABASE_URL ?? migratedDatabaseUrl('order');
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
  // Closed when the test file ends, if the test does not close it itself.
  deps.close = closeWhenFileEnds(deps.close);
  return { app: createApp(deps), deps, databaseUrl };
}

/**
 * A URL of 127.0.0.1 where connections are refused: a privileged port nothing listens on. Never
 * one of the ephemeral range, which the OS hands out to the servers of other test files running at
 * the same time (a port free a moment ago could be answering by the time the test calls it).
 */
export async function closedPortUrl(): Promise<string> {
  for (let port = 1; port < 1024; port++) {
    if (await refuses(port)) return `http://127.0.0.1:${port}`;
  }
  throw new Error('every port below 1024 of 127.0.0.1 accepts connections');
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}
