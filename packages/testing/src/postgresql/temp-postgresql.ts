import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createSyncFn } from 'synckit';

type DatabaseAction = (action: 'create' | 'list', serverUrl: string, names: string[], template?: string) => string[];

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

/** Sessions that drop the run's databases at once: each DROP DATABASE waits for a checkpoint, and checkpoints asked for together are one. */
const DROPPING_SESSIONS = 8;

/** Drops every database of this run (whatever process made it). */
export async function dropRunDatabases(serverUrl: string): Promise<void> {
  const names = databaseAction()('list', serverUrl, [`${TEST_DATABASE_PREFIX}${testRunId()}_`]);
  const sessions = Array.from({ length: Math.min(DROPPING_SESSIONS, names.length) }, async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      // FORCE: an app a test left open must not keep its database.
      for (let name = names.pop(); name !== undefined; name = names.pop())
        await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  });
  await Promise.all(sessions);
}
