import { randomUUID } from 'node:crypto';
import { createLogger } from '@order-system/platform';
import { bearer, closeWhenFileEnds, migratedDatabaseUrl, TEST_JWT_SECRET } from '@order-system/testing';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { loadPaymentConfig } from '../src/config.js';
import { createDeps, type PaymentDeps, type PaymentDepsOverrides } from '../src/deps.js';

export const SERVICE = bearer('service');
export const ADMIN = bearer('admin');
export const CUSTOMER = bearer('customer');

export interface TestPaymentApp {
  app: ReturnType<typeof createApp>;
  deps: PaymentDeps;
  databaseUrl: string;
  /** POST /api/payments/ with a service token. */
  charge: (body: unknown, auth?: string) => request.Test;
  /** POST /api/payments/{order_id}/refund/ with a service token and no body. */
  refund: (orderId: string, auth?: string) => request.Test;
  /** POST /api/payments/{order_id}/void/ with a service token and no body. */
  void: (orderId: string, auth?: string) => request.Test;
  get: (orderId: string) => request.Test;
  /** Every payment row of the order, straight from the database. */
  rows: (orderId: string) => ReturnType<PaymentDeps['prisma']['payment']['findMany']>;
  close: () => Promise<void>;
}

/** The real payment app over its own new SQLite file, configured as a test would deploy it. */
export async function createTestPaymentApp(
  env: Record<string, string> = {},
  overrides: PaymentDepsOverrides = {},
): Promise<TestPaymentApp> {
  const databaseUrl = env.DATABASE_URL ?? migratedDatabaseUrl('payment');
  const config = loadPaymentConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: databaseUrl, ...env });
  const deps = await createDeps(config, createLogger({ service: 'payment', level: 'silent' }), overrides);
  // Closed when the test file ends, if the test does not close it itself.
  deps.close = closeWhenFileEnds(deps.close);
  const app = createApp(deps);
  return {
    app,
    deps,
    databaseUrl,
    charge: (body, auth = SERVICE) =>
      request(app)
        .post('/api/payments/')
        .set('Authorization', auth)
        .send(body as object),
    refund: (orderId, auth = SERVICE) => request(app).post(`/api/payments/${orderId}/refund/`).set('Authorization', auth),
    void: (orderId, auth = SERVICE) => request(app).post(`/api/payments/${orderId}/void/`).set('Authorization', auth),
    get: (orderId) => request(app).get(`/api/payments/${orderId}/`),
    rows: (orderId) => deps.prisma.payment.findMany({ where: { orderId } }),
    close: deps.close,
  };
}

export const newOrderId = (): string => randomUUID();
