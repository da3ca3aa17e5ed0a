import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './postgresql/temp-postgresql.js';
import { REPO_ROOT, type ServiceName } from './process.js';
import { tempDatabaseUrl, tempDir, testDatabaseKind, testPostgresUrl } from './temp-db.js';

/** Set by the global setup for the test processes: the folder of the migrated SQLite templates. */
const SQLITE_TEMPLATES = 'ORDER_SYSTEM_TEST_SQLITE_TEMPLATES';
/** Set by the global setup for the test processes: the migrated PostgreSQL templates, by service (JSON). */
const POSTGRESQL_TEMPLATES = 'ORDER_SYSTEM_TEST_POSTGRESQL_TEMPLATES';

const SERVICES: ServiceName[] = ['product', 'payment', 'order'];

/**
 * Once per run (the global setup): migrates one database per service, on SQLite and, given a
 * server, on PostgreSQL, for migratedDatabaseUrl to copy. A copy costs a file copy or a CREATE
 * DATABASE … TEMPLATE, where migrating every test file's database would run every migration again.
 * Returns what removes the SQLite templates (the PostgreSQL ones go with the run's databases).
 */
export async function prepareDatabaseTemplates(postgresUrl: string | undefined): Promise<() => void> {
  // Imported here, not at the top: the global setup loads this module without the workspace's source
  // condition, so the platform resolves to its compiled dist/, which the setup has just built (a fresh
  // clone has none before).
  const { applyMigrations, applyPostgresqlMigrations, createLogger } = await import('@order-system/platform');
  const silent = createLogger({ service: 'test-templates', level: 'silent' });
  const dir = mkdtempSync(join(tmpdir(), 'order-system-templates-'));
  for (const service of SERVICES) {
    applyMigrations({ databaseFile: join(dir, `${service}.db`), migrationsDir: migrationsDir(service, 'sqlite'), logger: silent });
  }
  process.env[SQLITE_TEMPLATES] = dir;
  if (postgresUrl) {
    const names = await Promise.all(
      SERVICES.map(async (service) => {
        const url = createTestDatabase(postgresUrl, `template_${service}`);
        await applyPostgresqlMigrations({ connectionString: url, migrationsDir: migrationsDir(service, 'postgresql'), logger: silent });
        return [service, new URL(url).pathname.slice(1)] as const;
      }),
    );
    process.env[POSTGRESQL_TEMPLATES] = JSON.stringify(Object.fromEntries(names));
  }
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * The URL of a new database of its own for `service`, already migrated to the latest migration: a
 * copy of the run's template (see prepareDatabaseTemplates), on SQLite or, in the PostgreSQL test
 * project, on PostgreSQL. Without templates (outside a vitest run), an empty one that the service
 * migrates at start. For a test of the migrations themselves, use tempDatabaseUrl.
 */
export function migratedDatabaseUrl(service: ServiceName): string {
  if (testDatabaseKind() === 'postgresql') {
    const template = (JSON.parse(process.env[POSTGRESQL_TEMPLATES] ?? '{}') as Partial<Record<ServiceName, string>>)[service];
    return template ? createTestDatabase(testPostgresUrl(), service, template) : tempDatabaseUrl(service);
  }
  const templates = process.env[SQLITE_TEMPLATES];
  if (!templates) return tempDatabaseUrl(service);
  const file = join(tempDir(`${service}-db-`), `${service}.db`);
  copyFileSync(join(templates, `${service}.db`), file);
  return `file:${file}`;
}

function migrationsDir(service: ServiceName, provider: 'sqlite' | 'postgresql'): string {
  return provider === 'sqlite'
    ? join(REPO_ROOT, 'prisma', service, 'migrations')
    : join(REPO_ROOT, 'prisma', service, 'postgresql', 'migrations');
}
