import { databaseFileFromUrl } from '../config.js';
import type { Logger } from '../logger.js';
import { type DatabaseKind, databaseKind } from './database-url.js';
import { applyMigrations } from './migrate.js';
import { applyPostgresqlMigrations } from './migrate-postgresql.js';
import {
  createPostgresqlPrismaClient,
  createSqlitePrismaClient,
  type PostgresqlPrismaClientOptions,
  type PrismaClientOptions,
} from './prisma-client.js';

interface QueryableClient {
  $queryRawUnsafe(query: string): Promise<unknown>;
}

/**
 * A service's database on each provider: its generated client and its migrations. Both clients
 * are generated from one schema source, so they build the same type `T` (the PostgreSQL client is
 * checked to fit the SQLite client's type where this is called).
 */
export interface ServiceDatabase<T> {
  sqlite: { Client: new (options: PrismaClientOptions) => T; migrationsDir: string };
  postgresql: { Client: new (options: PostgresqlPrismaClientOptions) => T; migrationsDir: string };
}

export interface OpenedDatabase<T> {
  prisma: T;
  kind: DatabaseKind;
}

/**
 * A service's database at start-up, chosen once by DATABASE_URL: `file:…` is an SQLite file (its
 * pending migrations applied, the client over the serialized adapter); `postgresql://…` is
 * PostgreSQL (its pending migrations applied under Prisma's advisory lock, the client over a pool
 * of `poolSize` connections). Nothing after this knows which one it is, except through `kind`,
 * which only the composition root reads.
 */
export async function openDatabase<T extends QueryableClient>(
  database: ServiceDatabase<T>,
  options: { databaseUrl: string; poolSize: number; waitMs?: number; logger: Logger },
): Promise<OpenedDatabase<T>> {
  const { databaseUrl, logger } = options;
  const kind = databaseKind(databaseUrl);
  if (kind === 'postgresql') {
    await applyPostgresqlMigrations({ connectionString: databaseUrl, migrationsDir: database.postgresql.migrationsDir, logger });
    const prisma = createPostgresqlPrismaClient(database.postgresql.Client, {
      connectionString: databaseUrl,
      poolSize: options.poolSize,
      waitMs: options.waitMs,
      logger,
    });
    return { prisma, kind };
  }
  const databaseFile = databaseFileFromUrl(databaseUrl);
  applyMigrations({ databaseFile, migrationsDir: database.sqlite.migrationsDir, logger });
  return { prisma: createSqlitePrismaClient(database.sqlite.Client, databaseFile), kind };
}

/** For /ready: whether the database answers a trivial query. */
export async function checkDatabase(prisma: QueryableClient): Promise<'ok' | 'unavailable'> {
  try {
    await prisma.$queryRawUnsafe('SELECT 1');
    return 'ok';
  } catch {
    return 'unavailable';
  }
}
