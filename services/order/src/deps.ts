import { randomUUID } from 'node:crypto';
import {
  checkDatabase,
  createTokenService,
  type Logger,
  openDatabase,
  type ReadinessReport,
  ServiceMetrics,
  type TokenService,
} from '@order-system/platform';
import type { CartUseCases } from './cart/cart.router.js';
import { CartExpiryJob } from './cart/cart-expiry.job.js';
import { CartsRepository } from './cart/carts.repository.js';
import { CheckoutCart } from './cart/checkout-cart.js';
import { ShoppingCart } from './cart/shopping-cart.js';
import type { OrderConfig } from './config.js';
import { ORDER_DATABASE } from './database.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { OrderCompensation } from './orders/compensation/order-compensation.js';
import { databaseClock, processClock } from './orders/concurrency/lease-clock.js';
import { OrderLeases } from './orders/concurrency/order-leases.js';
import { OrderLeasesRepository } from './orders/concurrency/order-leases.repository.js';
import type { OrderUseCases } from './orders/http/orders.router.js';
import { IdempotencyService } from './orders/idempotency/idempotency.js';
import { IdempotencyRepository } from './orders/idempotency/idempotency.repository.js';
import { CancelOrder } from './orders/lifecycle/cancel-order.js';
import { ReadOrders } from './orders/lifecycle/read-orders.js';
import { UpdateFulfilment } from './orders/lifecycle/update-fulfilment.js';
import { OrdersRepository } from './orders/orders.repository.js';
import { PlaceOrder } from './orders/placement/place-order.js';
import { ReconciliationService } from './recovery/reconciliation.service.js';
import { ReconciliationCursorsRepository } from './recovery/reconciliation-cursors.repository.js';
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
  orders: OrderUseCases;
  cart: CartUseCases;
  recovery: RecoveryJob;
  cartExpiry: CartExpiryJob;
  readiness: () => Promise<ReadinessReport>;
  /** Starts background work (the recovery job, the removal of expired carts), once the service listens. */
  start: () => void;
  close: () => Promise<void>;
}

/** The composition root: migrates the database, then builds every part from the config. */
export async function createDeps(config: OrderConfig, logger: Logger): Promise<OrderDeps> {
  const { prisma, kind } = await openDatabase(ORDER_DATABASE, {
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    waitMs: config.DATABASE_WAIT_MS,
    logger,
  });
  const tokens = createTokenService(config.JWT_SECRET, { maxTtlSeconds: config.JWT_MAX_TTL_SECONDS });
  const metrics = new ServiceMetrics();
  const upstream = { retryBaseDelayMs: config.RETRY_BASE_DELAY_MS, tokens };
  const productHttp = createUpstreamClient({
    ...upstream,
    service: 'product',
    baseUrl: config.PRODUCT_SERVICE_URL,
    timeoutMs: config.PRODUCT_TIMEOUT_MS ?? config.UPSTREAM_TIMEOUT_MS,
    retries: config.PRODUCT_RETRIES,
  });
  const paymentHttp = createUpstreamClient({
    ...upstream,
    service: 'payment',
    baseUrl: config.PAYMENT_SERVICE_URL,
    timeoutMs: config.PAYMENT_TIMEOUT_MS ?? config.UPSTREAM_TIMEOUT_MS,
    retries: config.PAYMENT_RETRIES,
  });
  const products = new ProductClient(productHttp);
  const payments = new PaymentClient(paymentHttp);

  // Leases expire by the database's clock where replicas share PostgreSQL; where this process owns
  // an SQLite file, by its own, and none of a previous process's leases can still be held.
  const clock = kind === 'postgresql' ? databaseClock : processClock;
  const leaseRows = new OrderLeasesRepository(prisma, clock);
  if (kind === 'sqlite') await leaseRows.clearAll();
  const leases = new OrderLeases(leaseRows, { ttlMs: config.ORDER_LEASE_TTL_MS, logger });
  const repository = new OrdersRepository(prisma, clock);
  const compensation = new OrderCompensation(repository, products, payments);
  const read = new ReadOrders(repository);
  const carts = new CartsRepository(prisma);
  // Every write that records an order PAID empties the cart checked out as that order, in its transaction.
  const paidFollowUps = (orderId: string) => carts.emptiedWith(orderId);

  const recoveryLogger = logger.child({ job: 'recovery' });
  const recovery = new RecoveryJob(
    new RecoveryService(repository, leases, leaseRows, payments, compensation, recoveryLogger, {
      graceMs: config.RECOVERY_GRACE_MS,
      batchSize: RECOVERY_BATCH_SIZE,
      paidFollowUps,
    }),
    new ReconciliationService(repository, new ReconciliationCursorsRepository(prisma), leases, payments, compensation, recoveryLogger),
    recoveryLogger,
    { intervalMs: config.RECOVERY_INTERVAL_MS, reconciliationIntervalMs: config.RECONCILIATION_INTERVAL_MS },
  );

  const place = new PlaceOrder(
    repository,
    leases,
    products,
    payments,
    compensation,
    metrics.counter('orders_total', 'Orders placed (Idempotency-Key replays not counted), by final status and failure code', [
      'status',
      'code',
    ]),
    { paidFollowUps },
  );
  const orders: OrderUseCases = {
    place,
    read,
    cancel: new CancelOrder(repository, leases, compensation, read),
    fulfil: new UpdateFulfilment(repository, read),
    idempotency: new IdempotencyService(
      new IdempotencyRepository(prisma),
      leases,
      logger,
      // Where replicas share the database, a claim whose order is not written yet may be another replica's, still running.
      kind === 'postgresql' ? { claimLifetimeMs: config.ORDER_LEASE_TTL_MS } : undefined,
    ),
  };
  const cart: CartUseCases = {
    cart: new ShoppingCart(carts, products),
    checkout: new CheckoutCart(carts, products, place),
    idempotency: orders.idempotency,
    read,
  };
  const cartExpiry = new CartExpiryJob(carts, logger.child({ job: 'cart-expiry' }), {
    ttlDays: config.CART_TTL_DAYS,
    intervalMs: config.CART_EXPIRY_INTERVAL_MS,
  });
  return {
    config,
    logger,
    prisma,
    tokens,
    metrics,
    orders,
    cart,
    recovery,
    cartExpiry,
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
    start: () => {
      recovery.start();
      cartExpiry.start();
    },
    close: async () => {
      await Promise.all([recovery.stop(), cartExpiry.stop()]);
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
