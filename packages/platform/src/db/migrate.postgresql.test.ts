import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDatabaseUrl, tempDir, waitFor } from '@order-system/testing';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { MigrationError } from './migrate.js';
import { applyPostgresqlMigrations, PRISMA_MIGRATE_LOCK_KEY } from './migrate-postgresql.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const clients: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end()));
});

function migrationsWith(files: Record<string, string>): string {
  const dir = tempDir('migrations-');
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

async function connect(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  clients.push(client);
  return client;
}

const THREE = {
  '20260101000000_first': 'CREATE TABLE t (a INTEGER);',
  '20260102000000_second': 'ALTER TABLE t ADD COLUMN b TEXT;\nCREATE INDEX t_b_idx ON t (b);',
  '20260103000000_third': 'CREATE TABLE u (id SERIAL PRIMARY KEY);',
};

describe('applyPostgresqlMigrations', () => {
  it('when six replicas migrate one fresh database at once, then each migration is applied and recorded exactly once', async () => {
    const url = tempDatabaseUrl('migrate');
    const dir = migrationsWith(THREE);

    const results = await Promise.all(
      Array.from({ length: 6 }, () => applyPostgresqlMigrations({ connectionString: url, migrationsDir: dir, logger })),
    );

    expect(results.flatMap((r) => r.applied).sort()).toEqual(Object.keys(THREE));
    for (const result of results) expect([...result.applied, ...result.alreadyApplied].sort()).toEqual(Object.keys(THREE));
    const client = await connect(url);
    const { rows } = await client.query('SELECT migration_name, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations');
    expect(rows.map((row) => row.migration_name).sort()).toEqual(Object.keys(THREE));
    for (const row of rows) expect(row).toMatchObject({ rolled_back_at: null, applied_steps_count: 1, finished_at: expect.any(Date) });
  });

  it('when it has run, then _prisma_migrations has the column types prisma migrate deploy gives it on PostgreSQL', async () => {
    const url = tempDatabaseUrl('migrate');
    await applyPostgresqlMigrations({ connectionString: url, migrationsDir: migrationsWith(THREE), logger });
    const client = await connect(url);

    const { rows } = await client.query(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
         FROM pg_attribute a WHERE a.attrelid = '_prisma_migrations'::regclass AND a.attnum > 0 ORDER BY a.attnum`,
    );
    const { rows: pk } = await client.query(
      `SELECT conname FROM pg_constraint WHERE conrelid = '_prisma_migrations'::regclass AND contype = 'p'`,
    );

    expect(rows).toEqual([
      { name: 'id', type: 'character varying(36)', not_null: true },
      { name: 'checksum', type: 'character varying(64)', not_null: true },
      { name: 'finished_at', type: 'timestamp with time zone', not_null: false },
      { name: 'migration_name', type: 'character varying(255)', not_null: true },
      { name: 'logs', type: 'text', not_null: false },
      { name: 'rolled_back_at', type: 'timestamp with time zone', not_null: false },
      { name: 'started_at', type: 'timestamp with time zone', not_null: true },
      { name: 'applied_steps_count', type: 'integer', not_null: true },
    ]);
    expect(pk).toEqual([{ conname: '_prisma_migrations_pkey' }]);
    const { rows: recorded } = await client.query('SELECT checksum FROM _prisma_migrations');
    for (const row of recorded) expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when another session holds the migrate lock of prisma migrate deploy, then migrating waits for it', async () => {
    const url = tempDatabaseUrl('migrate');
    const cli = await connect(url);
    await cli.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);

    let finished = false;
    const migrating = applyPostgresqlMigrations({ connectionString: url, migrationsDir: migrationsWith(THREE), logger }).then((r) => {
      finished = true;
      return r;
    });
    const observer = await connect(url);
    await waitFor(async () => {
      const { rows } = await observer.query(
        "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        [PRISMA_MIGRATE_LOCK_KEY],
      );
      return rows.length === 1;
    });
    expect(finished).toBe(false);

    await cli.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    expect((await migrating).applied).toHaveLength(3);
  });

  it('when a migration fails halfway, then none of its statements stay and it is not recorded', async () => {
    const url = tempDatabaseUrl('migrate');
    const dir = migrationsWith({ '20260101000000_bad': 'CREATE TABLE ok (a INTEGER);\nCREATE TABLE broken (;' });

    await expect(applyPostgresqlMigrations({ connectionString: url, migrationsDir: dir, logger })).rejects.toThrow(MigrationError);

    const client = await connect(url);
    expect((await client.query("SELECT to_regclass('ok') AS t")).rows[0].t).toBeNull();
    expect((await client.query('SELECT count(*)::int AS n FROM _prisma_migrations')).rows[0].n).toBe(0);
  });

  it('when the Prisma CLI left a failed migration record, then start-up stops with a clear error', async () => {
    const url = tempDatabaseUrl('migrate');
    await applyPostgresqlMigrations({ connectionString: url, migrationsDir: migrationsWith({}), logger });
    const client = await connect(url);
    await client.query("INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('1', 'x', '20260101000000_first')");

    await expect(
      applyPostgresqlMigrations({ connectionString: url, migrationsDir: migrationsWith({ '20260101000000_first': 'SELECT 1;' }), logger }),
    ).rejects.toThrow(/failed earlier/);
  });

  it('when the server cannot be reached, then start-up stops with a MigrationError naming the cause', async () => {
    await expect(
      applyPostgresqlMigrations({ connectionString: 'postgresql://postgres@127.0.0.1:1/none', migrationsDir: migrationsWith({}), logger }),
    ).rejects.toThrow(/Cannot connect to the PostgreSQL database/);
  });
});
