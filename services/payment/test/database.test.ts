import { fileURLToPath } from 'node:url';
import { applyMigrations, createLogger, databaseFileFromUrl } from '@order-system/platform';
import { shapeFromDatabase, shapeFromPrismaSchema, tempDatabaseUrl } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/database.js';
import { createTestPaymentApp, newOrderId, type TestPaymentApp } from './payment-app.js';

const SCHEMA = fileURLToPath(new URL('../../../prisma/payment/schema.prisma', import.meta.url));
const logger = createLogger({ service: 'test', level: 'silent' });

describe('migrations', () => {
  it('when the migrations are applied, then the database matches schema.prisma (tables, columns, types, nullability, indexes)', () => {
    const file = databaseFileFromUrl(tempDatabaseUrl('payment'));

    const first = applyMigrations({ databaseFile: file, migrationsDir: MIGRATIONS_DIR, logger });
    const again = applyMigrations({ databaseFile: file, migrationsDir: MIGRATIONS_DIR, logger });

    expect(first.applied).toEqual([
      '20261122050000_init',
      '20261210090000_payments_status_updated_at_index',
      '20261211090000_payments_updated_at_index',
    ]);
    expect(again.applied).toEqual([]);
    expect(shapeFromDatabase(file)).toEqual(shapeFromPrismaSchema(SCHEMA));
  });
});

describe('the database itself refuses a second payment for an order', () => {
  let t: TestPaymentApp;
  beforeAll(async () => {
    t = await createTestPaymentApp();
  });
  afterAll(() => t.close());

  it('when a second row for the same order is inserted past the service, then the unique key rejects it', async () => {
    const orderId = newOrderId();
    await t.deps.prisma.payment.create({ data: { orderId, amountCents: 100, status: 'COMPLETED' } });

    await expect(t.deps.prisma.payment.create({ data: { orderId, amountCents: 100, status: 'COMPLETED' } })).rejects.toThrow(
      /Unique constraint/i,
    );
    expect(await t.rows(orderId)).toHaveLength(1);
  });

  it('when a payment is stored, then its amount is an integer of cents', async () => {
    const orderId = newOrderId();
    await t.charge({ order_id: orderId, amount: '19.99' }).expect(201);

    const [row] = await t.deps.prisma.$queryRaw<{ amount_cents: bigint | number; kind: string }[]>`
      SELECT amount_cents, typeof(amount_cents) AS kind FROM payments WHERE order_id = ${orderId}`;

    expect(row?.kind).toBe('integer');
    expect(Number(row?.amount_cents)).toBe(1999);
  });
});
