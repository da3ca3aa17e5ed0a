import { randomBytes } from 'node:crypto';
import { createSyncFn } from 'synckit';

type DatabaseAction = (action: 'create' | 'drop' | 'list', serverUrl: string, names: string[], template?: string) => string[];

/** Every test database name starts with this, then the run's id (see testRunId). */
export const TEST_DATABASE_PREFIX = 'ostest_';
const RUN_ID_VARIABLE = 'ORDER_SYSTEM_TEST_RUN';

let action: DatabaseAction | undefined;
let counter = 0;

function databaseAction(): DatabaseAction {
  action ??= createSyncFn<DatabaseAction>(new URL('./database-worker.mjs', import.meta.url), { timeout: 30_000 });
  return action;
}

/** The id of this test run, shared by its worker processes (set by the global setup), so that a run only drops its own databases. */
export function testRunId(): string {
  process.env[RUN_ID_VARIABLE] ??= randomBytes(3).toString('hex');
  return process.env[RUN_ID_VARIABLE] as string;
}

/** `postgresql://user@host:port/name` for the server of `serverUrl`. */
export function databaseUrlOn(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A new PostgreSQL database of its own on the server of `serverUrl` (a database there that the
 * test user may connect to, e.g. `postgres`), created before this returns, and dropped when the
 * run ends (dropRunDatabases, from the global setup). Empty, or a copy of `template` (a database
 * nobody is connected to).
 */
export function createTestDatabase(serverUrl: string, name: string, template?: string): string {
  counter += 1;
  const label = name
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, '_')
    .slice(0, 20);
  const database = `${TEST_DATABASE_PREFIX}${testRunId()}_${process.pid}_${counter}_${label}`;
  databaseAction()('create', serverUrl, [database], template);
  return databaseUrlOn(serverUrl, database);
}

/** Drops every database of this run (whatever process made it). */
export function dropRunDatabases(serverUrl: string): void {
  const names = databaseAction()('list', serverUrl, [`${TEST_DATABASE_PREFIX}${testRunId()}_`]);
  if (names.length > 0) databaseAction()('drop', serverUrl, names);
}
