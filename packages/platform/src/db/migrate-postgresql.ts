import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { isApplied, listMigrations, MigrationError, type MigrationRecord, type MigrationResult } from './migrate.js';

/**
 * The key of the advisory lock `prisma migrate deploy` takes on PostgreSQL. Taking the same one
 * makes our start-up and the Prisma CLI exclude each other, as well as replicas starting at once.
 */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

// The table `prisma migrate deploy` keeps, in the shape its PostgreSQL schema engine creates it.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies pending migrations to a PostgreSQL database and records each in `_prisma_migrations` as
 * `prisma migrate deploy` does. The whole run holds Prisma's migration advisory lock, so replicas
 * that start at once apply each migration once: the others wait, then find it applied. Each
 * migration runs in its own transaction with its record, so a failed one leaves nothing behind.
 */
export async function applyPostgresqlMigrations(options: {
  connectionString: string;
  migrationsDir: string;
  logger: Logger;
}): Promise<MigrationResult> {
  const { migrationsDir, logger } = options;
  const client = new pg.Client({ connectionString: options.connectionString });
  try {
    await client.connect();
  } catch (err) {
    throw new MigrationError(`Cannot connect to the PostgreSQL database: ${(err as Error).message}`, { cause: err });
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    await client.query(MIGRATIONS_TABLE);
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of listMigrations(migrationsDir)) {
      const { rows } = await client.query<MigrationRecord>(
        'SELECT checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE migration_name = $1',
        [migration.name],
      );
      if (isApplied(migration, rows, logger)) {
        result.alreadyApplied.push(migration.name);
        continue;
      }
      try {
        await client.query('BEGIN');
        const startedAt = new Date();
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new MigrationError(`Migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
      result.applied.push(migration.name);
      logger.info({ migration: migration.name }, 'migration applied');
    }
    return result;
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end().catch(() => undefined);
  }
}
