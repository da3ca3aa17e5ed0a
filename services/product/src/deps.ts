import {
  checkDatabase,
  createTokenService,
  type Logger,
  openDatabase,
  type ReadinessReport,
  ServiceMetrics,
  type TokenService,
} from '@order-system/platform';
import { TokenIssuer } from './auth/token.service.js';
import type { ProductConfig } from './config.js';
import { PRODUCT_DATABASE } from './database.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { ProductsRepository } from './products/products.repository.js';
import { ProductsService } from './products/products.service.js';
import { ReservationsRepository } from './reservations/reservations.repository.js';
import { RELEASE_OUTCOMES, RESERVE_OUTCOMES, ReservationsService, VOID_OUTCOMES } from './reservations/reservations.service.js';
import { seedDemoProducts } from './seed.js';

export interface ProductDeps {
  config: ProductConfig;
  logger: Logger;
  prisma: PrismaClient;
  tokens: TokenService;
  metrics: ServiceMetrics;
  products: ProductsService;
  reservations: ReservationsService;
  tokenIssuer: TokenIssuer;
  readiness: () => Promise<ReadinessReport>;
  close: () => Promise<void>;
}

/** The composition root: migrates the database, then builds every part from the config. */
export async function createDeps(config: ProductConfig, logger: Logger): Promise<ProductDeps> {
  const { prisma } = await openDatabase(PRODUCT_DATABASE, {
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    waitMs: config.DATABASE_WAIT_MS,
    logger,
  });
  const productsRepository = new ProductsRepository(prisma);
  if (config.SEED_DEMO_PRODUCTS) await seedDemoProducts(productsRepository, logger);
  const tokens = createTokenService(config.JWT_SECRET, { maxTtlSeconds: config.JWT_MAX_TTL_SECONDS });
  const metrics = new ServiceMetrics();
  const byOutcome = (outcomes: readonly string[]) => outcomes.map((outcome) => ({ outcome }));
  return {
    config,
    logger,
    prisma,
    tokens,
    metrics,
    products: new ProductsService(productsRepository),
    reservations: new ReservationsService(new ReservationsRepository(prisma), {
      reservations: metrics.counter('reservations_total', 'Reservation requests, by outcome', ['outcome'], byOutcome(RESERVE_OUTCOMES)),
      releases: metrics.counter('reservation_releases_total', 'Reservation releases, by outcome', ['outcome'], byOutcome(RELEASE_OUTCOMES)),
      voids: metrics.counter('reservation_voids_total', 'Reservation voids, by outcome', ['outcome'], byOutcome(VOID_OUTCOMES)),
    }),
    tokenIssuer: new TokenIssuer(tokens, { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD }),
    readiness: async () => {
      const database = await checkDatabase(prisma);
      return { ready: database === 'ok', checks: { database } };
    },
    close: () => prisma.$disconnect(),
  };
}
