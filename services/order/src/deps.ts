import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  checkDatabase,
  createTokenService,
  type Logger,
  openDatabase,
  type ReadinessReport,
  type TokenService,
} from '@order-system/platform';
import type { OrderConfig } from './config.js';
import { PrismaClient } from './generated/prisma/client.js';
import { IdempotencyRepository } from './orders/idempotency.repository.js';
import { IdempotencyService } from './orders/idempotency.service.js';
import { OrdersRepository } from './orders/orders.repository.js';
import { OrdersService } from './orders/orders.service.js';
import { PaymentClient } from './upstream/payment.client.js';
import { ProductClient } from './upstream/product.client.js';
import { createUpstreamClient, type UpstreamClient } from './upstream/upstream-client.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/order/migrations', import.meta.url));

/** Readiness must answer fast even when a neighbour hangs. */
const HEALTH_TIMEOUT_MS = 1000;

export interface OrderDeps {
  config: OrderConfig;
  logger: Logger;
  prisma: PrismaClient;
  tokens: TokenService;
  orders: OrdersService;
  idempotency: IdempotencyService;
  readiness: () => Promise<ReadinessReport>;
  close: () => Promise<void>;
}

/** The composition root: migrates the database, then builds every part from the config. */
export async function createDeps(config: OrderConfig, logger: Logger): Promise<OrderDeps> {
  const prisma = openDatabase(PrismaClient, { databaseUrl: config.DATABASE_URL, migrationsDir: MIGRATIONS_DIR, logger });
  const tokens = createTokenService(config.JWT_SECRET);
  const upstream = { timeoutMs: config.UPSTREAM_TIMEOUT_MS, retryBaseDelayMs: config.RETRY_BASE_DELAY_MS, tokens };
  const productHttp = createUpstreamClient({
    ...upstream,
    service: 'product',
    baseUrl: config.PRODUCT_SERVICE_URL,
    retries: config.PRODUCT_RETRIES,
  });
  const paymentHttp = createUpstreamClient({
    ...upstream,
    service: 'payment',
    baseUrl: config.PAYMENT_SERVICE_URL,
    retries: config.PAYMENT_RETRIES,
  });
  const repository = new OrdersRepository(prisma);

  return {
    config,
    logger,
    prisma,
    tokens,
    orders: new OrdersService(repository, new ProductClient(productHttp), new PaymentClient(paymentHttp)),
    idempotency: new IdempotencyService(new IdempotencyRepository(prisma), logger),
    // Ready when the database answers. The neighbours are reported, not required: without them the
    // service still records and serves orders, and taking it out of rotation would not help them.
    readiness: async () => {
      const [database, productService, paymentService] = await Promise.all([
        checkDatabase(prisma),
        answersHealth(productHttp, logger),
        answersHealth(paymentHttp, logger),
      ]);
      return { ready: database === 'ok', checks: { database, product_service: productService, payment_service: paymentService } };
    },
    close: async () => {
      productHttp.close();
      paymentHttp.close();
      await prisma.$disconnect();
    },
  };
}

async function answersHealth(client: UpstreamClient, logger: Logger): Promise<'ok' | 'unavailable'> {
  try {
    await client.send(
      { operation: 'health check', method: 'GET', path: '/health', retry: false, timeoutMs: HEALTH_TIMEOUT_MS },
      { requestId: randomUUID(), log: logger },
    );
    return 'ok';
  } catch {
    return 'unavailable';
  }
}
