import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  checkDatabase,
  createTokenService,
  type Logger,
  openDatabase,
  type ReadinessReport,
  ServiceMetrics,
  type TokenService,
} from '@order-system/platform';
import type { OrderConfig } from './config.js';
import { ORDER_DATABASE } from './database.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { IdempotencyRepository } from './orders/idempotency.repository.js';
import { IdempotencyService } from './orders/idempotency.service.js';
import { type InFlightOrders, InMemoryInFlightOrders } from './orders/in-flight-orders.js';
import { OrderCompensation } from './orders/order-compensation.js';
import { OrderCreationService } from './orders/order-creation.service.js';
import { LeasedInFlightOrders } from './orders/order-leases.js';
import { OrderLeasesRepository } from './orders/order-leases.repository.js';
import { OrderLifecycleService } from './orders/order-lifecycle.service.js';
import { OrdersRepository } from './orders/orders.repository.js';
import { OrdersService } from './orders/orders.service.js';
import { RecoveryJob } from './recovery/recovery.job.js';
import { RecoveryService } from './recovery/recovery.service.js';
import { PaymentClient } from './upstream/payment.client.js';
import { ProductClient } from './upstream/product.client.js';
import { createUpstreamClient, type UpstreamClient } from './upstream/upstream-client.js';

export { MIGRATIONS_DIR } from './database.js';

/** Readiness must answer fast even when a neighbour hangs. */
const HEALTH_TIMEOUT_MS = 1000;
/** Orders one recovery pass looks at, at most; the rest wait for the next pass. */
const RECOVERY_BATCH_SIZE = 200;

export interface OrderDeps {
  config: OrderConfig;
  logger: Logger;
  prisma: PrismaClient;
  tokens: TokenService;
  metrics: ServiceMetrics;
  orders: OrdersService;
  lifecycle: OrderLifecycleService;
  recovery: RecoveryJob;
  creation: OrderCreationService;
  readiness: () => Promise<ReadinessReport>;
  /** Starts background work (the recovery job), once the service listens. */
  start: () => void;
  close: () => Promise<void>;
}

/** The composition root: migrates the database, then builds every part from the config. */
export async function createDeps(config: OrderConfig, logger: Logger): Promise<OrderDeps> {
  const { prisma, kind } = await openDatabase(ORDER_DATABASE, {
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    logger,
  });
  const tokens = createTokenService(config.JWT_SECRET, { maxTtlSeconds: config.JWT_MAX_TTL_SECONDS });
  const metrics = new ServiceMetrics();
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
  const products = new ProductClient(productHttp);
  const payments = new PaymentClient(paymentHttp);
  // Who works on which order, shared by the workflow, cancellations and the recovery job: in memory
  // when this process owns the database (SQLite), a lease in the database when replicas share it.
  const inFlight: InFlightOrders =
    kind === 'postgresql'
      ? new LeasedInFlightOrders(new OrderLeasesRepository(prisma, config.ORDER_LEASE_TTL_MS), {
          owner: `${hostname()}:${process.pid}:${randomUUID()}`,
          logger,
        })
      : new InMemoryInFlightOrders();
  const compensation = new OrderCompensation(repository, products, payments);
  const recoveryLogger = logger.child({ job: 'recovery' });
  const recovery = new RecoveryJob(
    new RecoveryService(repository, payments, compensation, inFlight, recoveryLogger, {
      graceMs: config.RECOVERY_GRACE_MS,
      batchSize: RECOVERY_BATCH_SIZE,
    }),
    recoveryLogger,
    config.RECOVERY_INTERVAL_MS,
  );

  const orders = new OrdersService(repository, products, payments, compensation, inFlight);
  return {
    config,
    logger,
    prisma,
    tokens,
    metrics,
    orders,
    creation: new OrderCreationService(
      orders,
      new IdempotencyService(
        new IdempotencyRepository(prisma),
        logger,
        kind === 'postgresql' ? { orders: inFlight, claimLifetimeMs: config.ORDER_LEASE_TTL_MS } : undefined,
      ),
      metrics.counter('orders_total', 'Orders placed (Idempotency-Key replays not counted), by final status and failure code', [
        'status',
        'code',
      ]),
    ),
    lifecycle: new OrderLifecycleService(repository, compensation, inFlight),
    recovery,
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
    start: () => recovery.start(),
    close: async () => {
      await recovery.stop();
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
