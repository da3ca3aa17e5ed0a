import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The Docker engine test alone (`npm run test:docker`): it is not one of `npm test`'s projects. It
// starts its own engine and runs for minutes, one step after another.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/docker/**/*.docker.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 30 * 60_000,
    hookTimeout: 40 * 60_000,
  },
});
