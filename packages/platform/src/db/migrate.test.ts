import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@order-system/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { applyMigrations, MigrationError } from './migrate.js';

const logger = createLogger({ service: 'test', level: 'silent' });

function migrationsWith(files: Record<string, string>): string {
  const dir = tempDir('migrations-');
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('applyMigrations', () => {
  it('when migrations are pending, then they are applied in name order and recorded once', () => {
    const dir = migrationsWith({
      '20260102000000_second': 'ALTER TABLE t ADD COLUMN b TEXT;',
      '20260101000000_first': 'CREATE TABLE t (a INTEGER);',
    });
    const file = join(tempDir(), 'x.db');
    expect(applyMigrations({ databaseFile: file, migrationsDir: dir, logger }).applied).toEqual([
      '20260101000000_first',
      '20260102000000_second',
    ]);
    expect(applyMigrations({ databaseFile: file, migrationsDir: dir, logger }).applied).toEqual([]);
  });

  it('when a migration fails halfway, then none of its statements stay and it is not recorded', () => {
    const dir = migrationsWith({ '20260101000000_bad': 'CREATE TABLE ok (a INTEGER);\nCREATE TABLE broken (;' });
    const file = join(tempDir(), 'x.db');
    expect(() => applyMigrations({ databaseFile: file, migrationsDir: dir, logger })).toThrow(MigrationError);
    const db = new Database(file, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    const recorded = db.prepare('SELECT COUNT(*) AS n FROM _prisma_migrations').get() as { n: number };
    db.close();
    expect(tables.map((t) => t.name)).not.toContain('ok');
    expect(recorded.n).toBe(0);
  });

  it('when the Prisma CLI left a failed migration record, then start-up stops with a clear error', () => {
    const dir = migrationsWith({ '20260101000000_first': 'CREATE TABLE t (a INTEGER);' });
    const file = join(tempDir(), 'x.db');
    applyMigrations({ databaseFile: file, migrationsDir: migrationsWith({}), logger });
    const db = new Database(file);
    db.prepare(
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ('1', 'x', '20260101000000_first', 0)",
    ).run();
    db.close();
    expect(() => applyMigrations({ databaseFile: file, migrationsDir: dir, logger })).toThrow(/failed earlier/);
  });
});
