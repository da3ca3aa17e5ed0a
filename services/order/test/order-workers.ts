import { randomUUID } from 'node:crypto';
import { createLogger, databaseKind, openDatabase, ServiceMetrics } from '@order-system/platform';
import { migratedDatabaseUrl } from '@order-system/testing';
import { ORDER_DATABASE } from '../src/database.js';
import { Prisma, type PrismaClient } from '../src/generated/prisma/client.js';
import { OrderCompensation } from '../src/orders/compensation/order-compensation.js';
import { databaseClock, type LeaseClock, processClock } from '../src/orders/concurrency/lease-clock.js';
import { OrderLeases } from '../src/orders/concurrency/order-leases.js';
import { OrderLeasesRepository } from '../src/orders/concurrency/order-leases.repository.js';
import type { Order } from '../src/orders/domain/order.js';
import { OrdersRepository } from '../src/orders/orders.repository.js';
import { PlaceOrder } from '../src/orders/placement/place-order.js';
import { ReconciliationService } from '../src/recovery/reconciliation.service.js';
import { ReconciliationCursorsRepository } from '../src/recovery/reconciliation-cursors.repository.js';
import { RecoveryService } from '../src/recovery/recovery.service.js';
import type { RequestContext } from '../src/upstream/upstream-client.js';
import { FakePayments, FakeProducts } from './fake-upstreams.js';

export const logger = createLogger({ service: 'order', level: 'silent' });
export const ctx = (): RequestContext => ({ requestId: randomUUID(), log: logger });

/**
 * The order service's workers (placement, recovery, reconciliation) in process, over a real order
 * database of this test project's kind, with small fakes of the product and payment ports in place
 * of the HTTP clients: to pin each decision, case by case.
 */
export interface Workers {
  prisma: PrismaClient;
  clock: LeaseClock;
  orders: OrdersRepository;
  leaseRows: OrderLeasesRepository;
  leases: OrderLeases;
  products: FakeProducts;
  payments: FakePayments;
  place: PlaceOrder;
  recovery: RecoveryService;
  reconciliation: ReconciliationService;
  /** An order written as PENDING (created `ageMs` ago), then moved to the given columns, held by nobody. */
  orderIn(
    columns: Partial<Record<'status' | 'reservation_state' | 'payment_state' | 'total_cents', string | number>>,
    ageMs?: number,
  ): Promise<Order>;
  /** Another worker takes the order's lease, as one taking over a stalled one does. */
  takeOver(orderId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startWorkers(options: { ttlMs?: number; graceMs?: number; batchSize?: number } = {}): Promise<Workers> {
  const url = migratedDatabaseUrl('order');
  const { prisma } = await openDatabase(ORDER_DATABASE, { databaseUrl: url, poolSize: 4, logger });
  const clock = databaseKind(url) === 'postgresql' ? databaseClock : processClock;
  const ttlMs = options.ttlMs ?? 30_000;
  const orders = new OrdersRepository(prisma, clock);
  const leaseRows = new OrderLeasesRepository(prisma, clock);
  const leases = new OrderLeases(leaseRows, { ttlMs, logger });
  const products = new FakeProducts();
  const payments = new FakePayments();
  const compensation = new OrderCompensation(orders, products, payments);
  const counter = new ServiceMetrics().counter('orders_total', 'orders', ['status', 'code']);
  return {
    prisma,
    clock,
    orders,
    leaseRows,
    leases,
    products,
    payments,
    place: new PlaceOrder(orders, leases, products, payments, compensation, counter),
    recovery: new RecoveryService(orders, leases, leaseRows, payments, compensation, logger, {
      graceMs: options.graceMs ?? 0,
      batchSize: options.batchSize ?? 100,
    }),
    reconciliation: new ReconciliationService(orders, new ReconciliationCursorsRepository(prisma), leases, payments, compensation, logger),
    async orderIn(columns, ageMs = 60_000) {
      const id = randomUUID();
      const token = randomUUID();
      await orders.create(
        { id, customerName: 'Ann', userId: null, placedBy: 'system', lines: [{ productId: 1, quantity: 2 }] },
        { token, ttlMs },
      );
      await leaseRows.release(id, token);
      const created = new Date(Date.now() - ageMs);
      for (const [column, value] of Object.entries(columns)) {
        await prisma.$executeRaw(Prisma.sql`UPDATE "orders" SET ${Prisma.raw(`"${column}"`)} = ${value} WHERE "id" = ${id}`);
      }
      await prisma.$executeRaw`UPDATE "orders" SET "created_at" = ${created} WHERE "id" = ${id}`;
      if (columns.total_cents !== undefined) {
        await prisma.$executeRaw`UPDATE "order_items" SET "name" = 'Product 1', "unit_price_cents" = ${Number(columns.total_cents) / 2} WHERE "order_id" = ${id}`;
      }
      const order = await orders.findById(id);
      if (!order) throw new Error('order not written');
      return order;
    },
    async takeOver(orderId) {
      await prisma.$executeRaw`UPDATE "orders" SET "lease_token" = ${`other-${randomUUID()}`}, "lease_work" = 'recovery' WHERE "id" = ${orderId}`;
    },
    close: () => prisma.$disconnect(),
  };
}
