import pg from 'pg';
import { buildWorkspace } from '../build.js';
import { prepareDatabaseTemplates } from '../database-templates.js';
import { dropRunDatabases, testRunId } from '../postgresql/temp-postgresql.js';

/**
 * Once per run: compiles the workspace (the services that tests start as processes run from
 * dist/, as in production); migrates the template databases that each test file's databases are
 * copied from; without TEST_POSTGRES_URL, says that the PostgreSQL suites are skipped; with it,
 * checks that the server answers (the run stops with a clear message if not), fixes the run id
 * that names this run's databases, and drops them all at the end.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  // Every project inherits this setup; it has work to do once per run.
  if (process.env.ORDER_SYSTEM_TEST_SETUP === 'done') return undefined;
  process.env.ORDER_SYSTEM_TEST_SETUP = 'done';
  const serverUrl = process.env.TEST_POSTGRES_URL;
  if (!serverUrl) {
    process.stdout.write(
      '\nPostgreSQL suites skipped: TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/postgres); ' +
        'only the SQLite project runs.\n\n',
    );
  } else {
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (err) {
      throw new Error(`TEST_POSTGRES_URL=${serverUrl}: PostgreSQL does not answer (${(err as Error).message})`);
    } finally {
      await client.end().catch(() => undefined);
    }
    testRunId();
    process.stdout.write(`\nPostgreSQL suites run on ${serverUrl} (test databases ostest_${testRunId()}_*)\n\n`);
  }
  buildWorkspace();
  const removeTemplates = await prepareDatabaseTemplates(serverUrl);
  return async () => {
    removeTemplates();
    if (serverUrl) await dropRunDatabases(serverUrl);
  };
}
