import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { applyMigrations, createLogger, databaseFileFromUrl } from '@order-system/platform';
import { shapeFromDatabase, shapeFromPrismaSchema, tempDatabaseUrl } from '@order-system/testing';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/database.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { createTestProductApp } from './product-app.js';

const SCHEMA = fileURLToPath(new URL('../../../prisma/product/schema.prisma', import.meta.url));
const logger = createLogger({ service: 'test', level: 'silent' });

function migratedFile(): string {
  const file = databaseFileFromUrl(tempDatabaseUrl('product'));
  applyMigrations({ databaseFile: file, migrationsDir: MIGRATIONS_DIR, logger });
  return file;
}

describe('migrations', () => {
  it('when the migrations are applied, then the database matches schema.prisma (tables, columns, types, nullability, indexes)', () => {
    expect(shapeFromDatabase(migratedFile())).toEqual(shapeFromPrismaSchema(SCHEMA));
  });

  it('when the database differs from schema.prisma, then the comparison sees it', () => {
    const file = migratedFile();
    const db = new Database(file);
    db.exec('ALTER TABLE products ADD COLUMN colour TEXT');
    db.exec('CREATE INDEX products_name_idx ON products(name)');
    db.close();
    expect(shapeFromDatabase(file)).not.toEqual(shapeFromPrismaSchema(SCHEMA));
  });

  it('when applied, then each migration is recorded as prisma migrate deploy records it, and a second run applies nothing', () => {
    const file = migratedFile();
    const again = applyMigrations({ databaseFile: file, migrationsDir: MIGRATIONS_DIR, logger });
    expect(again.applied).toEqual([]);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT * FROM _prisma_migrations').all() as Record<string, unknown>[];
    db.close();
    expect(rows).toHaveLength(again.alreadyApplied.length);
    for (const row of rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('when the file is opened, then it is in WAL mode', () => {
    const db = new Database(migratedFile(), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});

describe('one connection shared by concurrent requests', () => {
  const clients: PrismaClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.$disconnect()));
    clients.length = 0;
  });

  /**
   * Opens an interactive transaction that changes product A and then fails, and, while it is
   * open, writes product B from outside it. Returns B's stock afterwards.
   */
  async function writeDuringFailingTransaction(prisma: PrismaClient): Promise<{ a: number; b: number }> {
    const a = await prisma.product.create({ data: { name: 'A', priceCents: 100, stock: 1 } });
    const b = await prisma.product.create({ data: { name: 'B', priceCents: 100, stock: 1 } });
    let outside: Promise<unknown> | undefined;
    const failing = prisma.$transaction(async (tx) => {
      await tx.product.update({ where: { id: a.id }, data: { stock: 50 } });
      outside = prisma.product.update({ where: { id: b.id }, data: { stock: 99 } });
      // Give the outside write every chance to run now: on a shared connection it would land
      // inside this transaction. Under the lock it waits for the rollback instead.
      await Promise.race([outside, new Promise((resolve) => setTimeout(resolve, 100))]);
      throw new Error('roll back');
    });
    await expect(failing).rejects.toThrow('roll back');
    await outside;
    const after = await prisma.product.findMany({ where: { id: { in: [a.id, b.id] } }, orderBy: { id: 'asc' } });
    return { a: after[0]?.stock ?? -1, b: after[1]?.stock ?? -1 };
  }

  it('when the plain adapter is used, then a write made outside an open transaction vanishes with its rollback (the trap)', async () => {
    const file = migratedFile();
    const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }) });
    clients.push(prisma);
    const { a, b } = await writeDuringFailingTransaction(prisma);
    expect(a).toBe(1);
    expect(b).toBe(1); // the outside write of 99 was lost
  });

  it('when the service adapter is used, then the outside write waits for the rollback and is kept', async () => {
    const { deps } = await createTestProductApp();
    clients.push(deps.prisma);
    const { a, b } = await writeDuringFailingTransaction(deps.prisma);
    expect(a).toBe(1);
    expect(b).toBe(99);
  });

  it('when a transaction is open, then it already holds the write lock (BEGIN IMMEDIATE)', async () => {
    const { deps, databaseUrl } = await createTestProductApp();
    clients.push(deps.prisma);
    const other = new Database(databaseFileFromUrl(databaseUrl), { timeout: 0 });
    let attempt: unknown;
    await deps.prisma.$transaction(async (tx) => {
      await tx.product.count();
      try {
        other.exec('BEGIN IMMEDIATE');
        other.exec('ROLLBACK');
        attempt = 'acquired';
      } catch (err) {
        attempt = (err as { code?: string }).code;
      }
    });
    other.close();
    expect(attempt).toBe('SQLITE_BUSY');
  });

  it('when many requests read and write at once, then none of them sees "database is locked"', async () => {
    const { deps } = await createTestProductApp();
    clients.push(deps.prisma);
    const product = await deps.prisma.product.create({ data: { name: 'C', priceCents: 1, stock: 0 } });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0
          ? deps.prisma.$transaction(async (tx) => {
              await tx.product.update({ where: { id: product.id }, data: { stock: { increment: 1 } } });
              await tx.reservation.create({ data: { id: randomUUID(), status: 'ACTIVE' } });
            })
          : deps.prisma.product.findUnique({ where: { id: product.id } }),
      ),
    );
    expect((await deps.prisma.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(50);
  });
});
