import { defineConfig } from 'vitest/config';

// The workspace packages export their TypeScript sources under this condition and their compiled
// JavaScript (dist/) by default: the tests always run the sources, never a stale build.
const SOURCE_CONDITIONS = ['@order-system/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions: SOURCE_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/test/**/*.test.ts', 'services/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    // Each test file runs in its own process with its own database files.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
  },
});
