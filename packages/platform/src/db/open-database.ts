import { databaseFileFromUrl } from '../config.js';
import type { Logger } from '../logger.js';
import { applyMigrations } from './migrate.js';
import { createSqlitePrismaClient, type PrismaClientOptions } from './prisma-client.js';

interface QueryableClient {
  $queryRawUnsafe(query: string): Promise<unknown>;
}

/**
 * A service's database at start-up: the SQLite file named by DATABASE_URL, its pending migrations
 * applied, and the service's generated PrismaClient over the serialized adapter.
 */
export function openDatabase<T extends QueryableClient>(
  Client: new (options: PrismaClientOptions) => T,
  options: { databaseUrl: string; migrationsDir: string; logger: Logger },
): T {
  const databaseFile = databaseFileFromUrl(options.databaseUrl);
  applyMigrations({ databaseFile, migrationsDir: options.migrationsDir, logger: options.logger });
  return createSqlitePrismaClient(Client, databaseFile);
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
