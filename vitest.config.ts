import { defineConfig } from 'vitest/config';

// The workspace packages export their TypeScript sources under this condition and their compiled
// JavaScript (dist/) by default: the tests always run the sources, never a stale build.
const SOURCE_CONDITIONS = ['@order-system/source', 'module', 'node', 'development|production'];

/** Integration suites: the real apps and processes over a database of their own. */
const INTEGRATION = ['services/*/test/**/*.test.ts', 'tests/**/*.test.ts'];
/** Unit tests of the packages and services. */
const UNIT = ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'];
/** Tests of PostgreSQL itself (migrations under its lock, its catalog, its time zones, replicas): PostgreSQL project only. */
const POSTGRESQL_ONLY = ['**/*.postgresql.test.ts'];
/** Tests of SQLite itself (they open the .db file, or test its adapter): SQLite project only. */
const SQLITE_ONLY = [
  'services/product/test/database.test.ts',
  'services/payment/test/database.test.ts',
  'services/order/test/schema.test.ts',
];

const postgresUrl = process.env.TEST_POSTGRES_URL;

export default defineConfig({
  resolve: { conditions: SOURCE_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
  test: {
    // Each test file runs in its own process with its own database files.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    // Reports whether the PostgreSQL project runs, and drops its databases when the run ends.
    globalSetup: ['packages/testing/src/vitest/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: [...UNIT, ...INTEGRATION],
          exclude: [...POSTGRESQL_ONLY, '**/node_modules/**'],
        },
      },
      // Every integration suite again on PostgreSQL, each test file on databases of its own (dropped
      // when the run ends: a DROP DATABASE forces a checkpoint, which would stall the files still running); only
      // when a server is given (TEST_POSTGRES_URL), which the global setup reports.
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgresql',
                include: [...INTEGRATION, ...POSTGRESQL_ONLY],
                exclude: [...SQLITE_ONLY, '**/node_modules/**'],
                env: { TEST_DATABASE: 'postgresql', TEST_POSTGRES_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
