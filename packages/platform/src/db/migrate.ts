import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../logger.js';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

// The table `prisma migrate deploy` keeps, in the shape its SQLite schema engine creates it,
// so a database migrated here and one migrated by the Prisma CLI agree.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** A migration's row in `_prisma_migrations`, as the SQLite and the PostgreSQL runner read it. */
export interface MigrationRecord {
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/** A migration folder of Prisma's layout: its name, its SQL and the SQL's checksum. */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * Whether a migration is applied, judged by its rows in `_prisma_migrations` as `prisma migrate
 * deploy` judges them. A row that neither finished nor was rolled back is an attempt that failed:
 * it is refused until someone resolves it. An applied migration whose file changed since is logged.
 */
export function isApplied(migration: Migration, rows: MigrationRecord[], logger: Logger): boolean {
  if (rows.some((row) => row.finished_at === null && row.rolled_back_at === null)) {
    throw new MigrationError(`Migration ${migration.name} failed earlier and was not rolled back; resolve it before starting`);
  }
  const done = rows.find((row) => row.finished_at !== null && row.rolled_back_at === null);
  if (done && done.checksum !== migration.checksum)
    logger.warn({ migration: migration.name }, 'migration was modified after it was applied');
  return done !== undefined;
}

/** Migration folders in Prisma's layout, in the order their timestamped names sort. */
export function listMigrations(migrationsDir: string): Migration[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations to the SQLite file, each in its own write transaction, and
 * records each in `_prisma_migrations` as `prisma migrate deploy` does. Also switches the
 * file to WAL, which is persistent. Safe to run from several processes at once.
 */
export function applyMigrations(options: { databaseFile: string; migrationsDir: string; logger: Logger }): MigrationResult {
  const { databaseFile, migrationsDir, logger } = options;
  if (databaseFile !== ':memory:') mkdirSync(dirname(databaseFile), { recursive: true });
  const db = new Database(databaseFile, { timeout: 10_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec(MIGRATIONS_TABLE);
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of listMigrations(migrationsDir)) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const rows = db
          .prepare('SELECT checksum, finished_at, rolled_back_at FROM _prisma_migrations WHERE migration_name = ?')
          .all(migration.name) as MigrationRecord[];
        if (isApplied(migration, rows, logger)) {
          db.exec('COMMIT');
          result.alreadyApplied.push(migration.name);
          continue;
        }
        const startedAt = Date.now();
        db.exec(migration.sql);
        db.prepare(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
        ).run(randomUUID(), migration.checksum, Date.now(), migration.name, startedAt);
        db.exec('COMMIT');
        result.applied.push(migration.name);
        logger.info({ migration: migration.name }, 'migration applied');
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        if (err instanceof MigrationError) throw err;
        throw new MigrationError(`Migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return result;
  } finally {
    db.close();
  }
}
