import {
  checkDatabase,
  createTokenService,
  type Logger,
  openDatabase,
  type ReadinessReport,
  ServiceMetrics,
  type TokenService,
} from '@order-system/platform';
import type { PaymentConfig } from './config.js';
import { PAYMENT_DATABASE } from './database.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { PaymentsRepository } from './payments/payments.repository.js';
import { CHARGE_OUTCOMES, PaymentsService, REFUND_OUTCOMES, VOID_OUTCOMES } from './payments/payments.service.js';
import { type ProcessorOptions, SimulatedProcessor } from './payments/processor.js';

export interface PaymentDeps {
  config: PaymentConfig;
  logger: Logger;
  prisma: PrismaClient;
  tokens: TokenService;
  metrics: ServiceMetrics;
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
    waitMs: config.DATABASE_WAIT_MS,
    logger,
  });
  const processor = new SimulatedProcessor({
    failureRate: config.PAYMENT_FAILURE_RATE,
    latencyMs: config.PAYMENT_LATENCY_MS,
    ...overrides,
  });
  const metrics = new ServiceMetrics();
  const byOutcome = (outcomes: readonly string[]) => outcomes.map((outcome) => ({ outcome }));
  return {
    config,
    logger,
    prisma,
    tokens: createTokenService(config.JWT_SECRET, { maxTtlSeconds: config.JWT_MAX_TTL_SECONDS }),
    metrics,
    payments: new PaymentsService(new PaymentsRepository(prisma), processor, {
      charges: metrics.counter('payments_total', 'Charge requests, by outcome', ['outcome'], byOutcome(CHARGE_OUTCOMES)),
      refunds: metrics.counter('payment_refunds_total', 'Refund requests, by outcome', ['outcome'], byOutcome(REFUND_OUTCOMES)),
      voids: metrics.counter('payment_voids_total', 'Void requests, by outcome', ['outcome'], byOutcome(VOID_OUTCOMES)),
    }),
    readiness: async () => {
      const database = await checkDatabase(prisma);
      return { ready: database === 'ok', checks: { database } };
    },
    close: () => prisma.$disconnect(),
  };
}
