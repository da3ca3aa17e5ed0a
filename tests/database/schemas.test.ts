import { readFileSync } from 'node:fs';
import {
  createLogger,
  databaseFileFromUrl,
  databaseKind,
  listMigrations,
  openDatabase,
  type ServiceDatabase,
} from '@order-system/platform';
import {
  type DatabaseShape,
  REPO_ROOT,
  shapeFromDatabase,
  shapeFromPostgresql,
  shapeFromPrismaSchema,
  tempDatabaseUrl,
} from '@order-system/testing';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { listSchemaServices, postgresqlSchemaPath, renderPostgresqlSchema, sqliteSchemaPath } from '../../scripts/prisma-schemas.mjs';
import { ORDER_DATABASE } from '../../services/order/src/database.js';
import { PAYMENT_DATABASE } from '../../services/payment/src/database.js';
import { PRODUCT_DATABASE } from '../../services/product/src/database.js';

// Every service's migrations against its schema, on the database of this test project (SQLite
// files, or PostgreSQL in the postgresql project): the schema-drift check runs on both.
const logger = createLogger({ service: 'test', level: 'silent' });
const DATABASES: Record<string, ServiceDatabase<{ $queryRawUnsafe(q: string): Promise<unknown>; $disconnect(): Promise<void> }>> = {
  order: ORDER_DATABASE,
  payment: PAYMENT_DATABASE,
  product: PRODUCT_DATABASE,
};

async function migratedDatabase(service: string): Promise<string> {
  const url = tempDatabaseUrl(`${service}-schema`);
  const database = DATABASES[service];
  if (!database) throw new Error(`no database for ${service}`);
  const { prisma } = await openDatabase(database, { databaseUrl: url, poolSize: 1, logger });
  await prisma.$disconnect();
  return url;
}

function shapeOf(url: string): Promise<DatabaseShape> | DatabaseShape {
  return databaseKind(url) === 'postgresql' ? shapeFromPostgresql(url) : shapeFromDatabase(databaseFileFromUrl(url));
}

function schemaFor(service: string, url: string): string {
  return databaseKind(url) === 'postgresql' ? postgresqlSchemaPath(REPO_ROOT, service) : sqliteSchemaPath(REPO_ROOT, service);
}

async function alter(url: string, sql: string): Promise<void> {
  if (databaseKind(url) === 'sqlite') {
    const db = new Database(databaseFileFromUrl(url));
    db.exec(sql);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql);
  await client.end();
}

describe('the schemas of the services', () => {
  it('when the schemas are listed, then each service has one, and every database of the table has one', () => {
    expect(listSchemaServices(REPO_ROOT)).toEqual(Object.keys(DATABASES).sort());
  });

  it.each(listSchemaServices(REPO_ROOT))(
    'when the %s PostgreSQL schema is rendered from its source, then it is the committed one',
    (service) => {
      const rendered = renderPostgresqlSchema(readFileSync(sqliteSchemaPath(REPO_ROOT, service), 'utf8'));
      expect(readFileSync(postgresqlSchemaPath(REPO_ROOT, service), 'utf8')).toBe(rendered);
    },
  );

  it.each(listSchemaServices(REPO_ROOT))(
    'when the %s schemas are compared, then they hold the same tables, columns, keys and indexes',
    (service) => {
      const withoutTypes = (shape: DatabaseShape) =>
        Object.fromEntries(
          Object.entries(shape).map(([table, { columns, indexes }]) => [
            table,
            { indexes, columns: Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, { ...c, type: '' }])) },
          ]),
        );
      expect(withoutTypes(shapeFromPrismaSchema(postgresqlSchemaPath(REPO_ROOT, service)))).toEqual(
        withoutTypes(shapeFromPrismaSchema(sqliteSchemaPath(REPO_ROOT, service))),
      );
    },
  );

  it.each(listSchemaServices(REPO_ROOT))(
    'when the %s migrations are applied to an empty database, then it matches its schema',
    async (service) => {
      const url = await migratedDatabase(service);
      expect(await shapeOf(url)).toEqual(shapeFromPrismaSchema(schemaFor(service, url)));
    },
  );

  it('when a migrated database differs from its schema, then the comparison sees it', async () => {
    const url = await migratedDatabase('product');
    await alter(url, 'ALTER TABLE products ADD COLUMN colour TEXT');
    expect(await shapeOf(url)).not.toEqual(shapeFromPrismaSchema(schemaFor('product', url)));
  });

  it('when a migrated database lacks an index of its schema, then the comparison sees it', async () => {
    const url = await migratedDatabase('order');
    await alter(url, 'DROP INDEX orders_created_at_idx');
    expect(await shapeOf(url)).not.toEqual(shapeFromPrismaSchema(schemaFor('order', url)));
  });

  it.each(listSchemaServices(REPO_ROOT))('when the %s migrations are listed, then both providers have the same migrations', (service) => {
    const sqlite = listMigrations(`${REPO_ROOT}/prisma/${service}/migrations`).map((m) => m.name);
    const postgresql = listMigrations(`${REPO_ROOT}/prisma/${service}/postgresql/migrations`).map((m) => m.name);
    expect(postgresql).toEqual(sqlite);
    expect(readFileSync(`${REPO_ROOT}/prisma/${service}/migrations/migration_lock.toml`, 'utf8')).toContain('provider = "sqlite"');
    expect(readFileSync(`${REPO_ROOT}/prisma/${service}/postgresql/migrations/migration_lock.toml`, 'utf8')).toContain(
      'provider = "postgresql"',
    );
  });
});
