import {
  checkDatabase,
  createTokenService,
  type Logger,
  openDatabase,
  type ReadinessReport,
  type TokenService,
} from '@order-system/platform';
import type { PaymentConfig } from './config.js';
import { PAYMENT_DATABASE } from './database.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { PaymentsRepository } from './payments/payments.repository.js';
import { PaymentsService } from './payments/payments.service.js';
import { type ProcessorOptions, SimulatedProcessor } from './payments/processor.js';

export { MIGRATIONS_DIR, POSTGRESQL_MIGRATIONS_DIR } from './database.js';

export interface PaymentDeps {
  config: PaymentConfig;
  logger: Logger;
  prisma: PrismaClient;
  tokens: TokenService;
  payments: PaymentsService;
  readiness: () => Promise<ReadinessReport>;
  close: () => Promise<void>;
}

/** What a test may replace: the processor's dice and clock. */
export type PaymentDepsOverrides = Pick<ProcessorOptions, 'random' | 'wait'>;

/** The composition root: migrates the database, then builds every part from the config. */
export async function createDeps(config: PaymentConfig, logger: Logger, overrides: PaymentDepsOverrides = {}): Promise<PaymentDeps> {
  const { prisma } = await openDatabase(PAYMENT_DATABASE, {
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    logger,
  });
  const processor = new SimulatedProcessor({
    failureRate: config.PAYMENT_FAILURE_RATE,
    latencyMs: config.PAYMENT_LATENCY_MS,
    ...overrides,
  });
  return {
    config,
    logger,
    prisma,
    tokens: createTokenService(config.JWT_SECRET),
    payments: new PaymentsService(new PaymentsRepository(prisma), processor, logger),
    readiness: async () => {
      const database = await checkDatabase(prisma);
      return { ready: database === 'ok', checks: { database } };
    },
    close: () => prisma.$disconnect(),
  };
}
