import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './postgresql/temp-postgresql.js';

const roots: string[] = [];

/**
 * Which database the integration tests run on: `postgresql` in the test project that sets
 * TEST_DATABASE=postgresql (with TEST_POSTGRES_URL naming the server), SQLite files otherwise.
 */
export function testDatabaseKind(): 'sqlite' | 'postgresql' {
  return process.env.TEST_DATABASE === 'postgresql' ? 'postgresql' : 'sqlite';
}

/** The PostgreSQL server the tests use, from TEST_POSTGRES_URL. */
export function testPostgresUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error('TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/postgres)');
  return url;
}

/** A fresh folder under the OS temp dir, removed when the test process exits. */
export function tempDir(prefix = 'order-system-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

/**
 * The URL of a new, empty database of its own: one per test file or per service. A `file:` URL
 * of a new SQLite file, or, in the PostgreSQL test project, a new PostgreSQL database (dropped at
 * the end of the run).
 */
export function tempDatabaseUrl(name: string): string {
  if (testDatabaseKind() === 'postgresql') return createTestDatabase(testPostgresUrl(), name);
  return tempSqliteUrl(name);
}

/** A `file:` URL of a new, empty SQLite file, whatever the test project: for tests about SQLite itself. */
export function tempSqliteUrl(name: string): string {
  const dir = tempDir(`${name}-db-`);
  mkdirSync(dir, { recursive: true });
  return `file:${join(dir, `${name}.db`)}`;
}

process.once('exit', () => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});
