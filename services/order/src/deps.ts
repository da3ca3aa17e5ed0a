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
import { EventIds } from './events/event-ids.js';
import { registerOutboxMetrics } from './events/event-metrics.js';
import { EventRetention } from './events/event-retention.js';
import { LiveOrderStatus } from './events/live/live-order-status.js';
import { OrderEventStreams } from './events/live/order-event-streams.js';
import { OrderEventFeed } from './events/order-event-feed.js';
import { OrderEventsRepository, positionOrder, readEventIdPrefix, transactionOrder } from './events/order-events.repository.js';
import type { OrderEventUseCases } from './events/order-events.router.js';
import { OutboxRelay } from './events/relay/outbox-relay.js';
import { RabbitMqPublisher } from './events/relay/rabbitmq-publisher.js';
import { processRelayLease, RelayLeaseRepository } from './events/relay/relay-lease.repository.js';
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
/** How often open live-status streams look for new events: a change reaches them within this. */
const STREAM_POLL_MS = 250;
/** How often the relay looks at an empty outbox, and how many events it publishes at once. */
const RELAY_INTERVAL_MS = 100;
const RELAY_BATCH_SIZE = 200;
/** The relay's backoff while the broker is down: from the first to the longest wait. */
const RELAY_RETRY_MIN_MS = 250;
const RELAY_RETRY_MAX_MS = 5000;
/** How often events older than the retention period are pruned. */
const RETENTION_INTERVAL_MS = 3_600_000;

export interface OrderDeps {
  config: OrderConfig;
  logger: Logger;
  prisma: PrismaClient;
  tokens: TokenService;
  metrics: ServiceMetrics;
  orders: OrderUseCases;
  cart: CartUseCases;
  events: OrderEventUseCases;
  /** The live-status streams open on this process. */
  streams: OrderEventStreams;
  /** Publishes the outbox to RabbitMQ; none without RABBITMQ_URL. */
  relay: OutboxRelay | undefined;
  retention: EventRetention;
  recovery: RecoveryJob;
  cartExpiry: CartExpiryJob;
  readiness: () => Promise<ReadinessReport>;
  /** Starts background work (the recovery job, the removal of expired carts, the event relay, pruning), once the service listens. */
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

  // The order events: the orders repository writes each one with its change (the outbox); these
  // read it. The order in which the feed reads it is the one thing that differs by database.
  const eventRows = new OrderEventsRepository(
    prisma,
    kind === 'postgresql' ? transactionOrder : positionOrder,
    new EventIds(await readEventIdPrefix(prisma)),
  );
  const published = registerOutboxMetrics(metrics, eventRows, logger);
  const streams = new OrderEventStreams(eventRows, logger, { pollMs: STREAM_POLL_MS, heartbeatMs: config.ORDER_EVENTS_HEARTBEAT_MS });
  // One relay at a time: where replicas share PostgreSQL, the holder of the lease row; on an SQLite
  // file, owned by one process, that process.
  const relayLease = kind === 'postgresql' ? new RelayLeaseRepository(prisma, databaseClock) : processRelayLease;
  const relay =
    config.RABBITMQ_URL === undefined
      ? undefined
      : new OutboxRelay(
          eventRows,
          relayLease,
          new RabbitMqPublisher(config.RABBITMQ_URL, config.ORDER_EVENTS_EXCHANGE),
          published,
          logger.child({ job: 'event-relay' }),
          {
            intervalMs: RELAY_INTERVAL_MS,
            leaseTtlMs: config.ORDER_EVENTS_RELAY_LEASE_MS,
            batchSize: RELAY_BATCH_SIZE,
            retryMinMs: RELAY_RETRY_MIN_MS,
            retryMaxMs: RELAY_RETRY_MAX_MS,
          },
        );
  const retention = new EventRetention(eventRows, logger, {
    retentionDays: config.ORDER_EVENTS_RETENTION_DAYS,
    intervalMs: RETENTION_INTERVAL_MS,
    unpublishedToo: relay === undefined,
  });
  const events: OrderEventUseCases = { feed: new OrderEventFeed(eventRows), live: new LiveOrderStatus(read, eventRows, streams) };

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
    events,
    streams,
    relay,
    retention,
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
      relay?.start();
      retention.start();
    },
    close: async () => {
      streams.close();
      await Promise.all([recovery.stop(), cartExpiry.stop(), relay?.stop(), retention.stop()]);
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
