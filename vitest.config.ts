import { defineConfig } from 'vitest/config';
import LongFilesFirstSequencer from './packages/testing/src/vitest/sequencer.js';

// The workspace packages export their TypeScript sources under this condition and their compiled
// JavaScript (dist/) by default: the tests always run the sources, never a stale build. (The
// services that tests start as processes run compiled: the global setup builds them first.)
const SOURCE_CONDITIONS = ['@order-system/source', 'module', 'node', 'development|production'];

/** Integration suites: the real apps and processes over a database of their own. */
const INTEGRATION = ['services/*/test/**/*.test.ts', 'tests/**/*.test.ts'];
/** Unit tests of the packages and services. */
const UNIT = ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'];
/** Tests of PostgreSQL itself (migrations under its lock, its catalog, its time zones, replicas): PostgreSQL project only. */
const POSTGRESQL_ONLY = ['**/*.postgresql.test.ts'];
/**
 * SQLite project only: tests of SQLite itself (they open the .db file, or test its adapter), and
 * suites that touch no database of the project, which would check the same thing twice: the
 * configuration, the launcher (its services always run on SQLite files), the build, the Docker
 * files. (PostgreSQL still runs compiled services: every e2e test that starts processes.)
 */
const SQLITE_ONLY = [
  'services/product/test/database.test.ts',
  'services/payment/test/database.test.ts',
  'services/order/test/schema.test.ts',
  'services/*/test/config.test.ts',
  'tests/launcher/**/*.test.ts',
  'tests/build/**/*.test.ts',
  'tests/docker/**/*.test.ts',
];

const postgresUrl = process.env.TEST_POSTGRES_URL;

export default defineConfig({
  resolve: { conditions: SOURCE_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
  test: {
    // Each test file has databases of its own. The files that one worker process runs share its
    // modules (isolate off): importing the services, Prisma's clients and the platform once per
    // worker instead of once per file saves most of the run's CPU. What a file opens, it closes (the
    // setup file closes what the test helpers opened and the file left open).
    pool: 'forks',
    isolate: false,
    setupFiles: ['packages/testing/src/vitest/setup-file.ts'],
    // The long files of both projects first, then the short ones project by project.
    sequence: { sequencer: LongFilesFirstSequencer },
    // Most of a test file's time is spent waiting (on HTTP, timeouts, processes it started), so more
    // files run at once than there are cores (vitest's default is one fewer than the cores: one, on
    // two). Tests wait on conditions, never on a fixed time, so a busy machine slows them, no more.
    maxWorkers: 4,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    // Builds the workspace, migrates the template databases, reports whether the PostgreSQL
    // project runs, and drops its databases when the run ends.
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
      // Every integration suite that touches a database again on PostgreSQL, each test file on
      // databases of its own (dropped when the run ends: a DROP DATABASE forces a checkpoint, which
      // would stall the files still running); only when a server is given (TEST_POSTGRES_URL),
      // which the global setup reports.
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
