import {
  checkDatabase,
  createTokenService,
  type Logger,
  openDatabase,
  type ReadinessReport,
  type TokenService,
} from '@order-system/platform';
import { TokenIssuer } from './auth/token.service.js';
import type { ProductConfig } from './config.js';
import { PRODUCT_DATABASE } from './database.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { ProductsRepository } from './products/products.repository.js';
import { ProductsService } from './products/products.service.js';
import { ReservationsRepository } from './reservations/reservations.repository.js';
import { ReservationsService } from './reservations/reservations.service.js';
import { seedDemoProducts } from './seed.js';

export { MIGRATIONS_DIR, POSTGRESQL_MIGRATIONS_DIR } from './database.js';

export interface ProductDeps {
  config: ProductConfig;
  logger: Logger;
  prisma: PrismaClient;
  tokens: TokenService;
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
    logger,
  });
  const productsRepository = new ProductsRepository(prisma);
  if (config.SEED_DEMO_PRODUCTS) await seedDemoProducts(productsRepository, logger);
  const tokens = createTokenService(config.JWT_SECRET);
  return {
    config,
    logger,
    prisma,
    tokens,
    products: new ProductsService(productsRepository),
    reservations: new ReservationsService(new ReservationsRepository(prisma), logger),
    tokenIssuer: new TokenIssuer(tokens, { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD }),
    readiness: async () => {
      const database = await checkDatabase(prisma);
      return { ready: database === 'ok', checks: { database } };
    },
    close: () => prisma.$disconnect(),
  };
}
