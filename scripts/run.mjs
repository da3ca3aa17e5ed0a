// The entry point behind the root scripts, so that `npm start` and `npm test` work on a machine
// with only Node and npm: it installs the workspace with pnpm when it is missing or stale
// (through npx when pnpm is not installed), generates the Prisma clients, then runs the command.
//
//   node scripts/run.mjs start | dev | build | test [vitest args] | test:docker [vitest args] | typecheck | lint
//                        | bench [args] | token [args] | events [args] | setup
//
// start: compile what changed (tsc --build), then run the compiled services; dev: run the
// TypeScript sources through tsx, no build. Both read ./.env (the environment wins over it).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerTestBlockers } from './docker/prerequisites.mjs';
import { build } from './launcher/build.mjs';
import { ensureInstalled, run } from './launcher/install.mjs';
import { chooseLogFormat, createLineFormatter } from './launcher/log-output.mjs';
import { startAll, TSX_FLAGS } from './launcher/start-all.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
/** Runs a TypeScript script of the workspace with the workspace packages' sources. */
const tsxArgs = (script) => [...TSX_FLAGS, join('scripts', script)];

async function launch(runtime) {
  // Like dotenv and the services, from the working directory (the project root under npm start).
  // dotenv is a dependency: imported only once the install is there.
  const envFile = join(process.cwd(), '.env');
  if (existsSync(envFile)) {
    const { config } = await import('dotenv');
    config({ path: envFile, quiet: true });
  }
  const { format, error } = chooseLogFormat(process.env, process.stdout);
  if (error) {
    console.error(error);
    process.exit(2);
  }
  if (runtime === 'compiled' && build(root) !== 0) {
    console.error('The build failed (errors above). Fix them, or run the sources without a build: npm run dev');
    process.exit(1);
  }
  const formatLine = await createLineFormatter(format, { colorize: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR });
  process.exit(await startAll({ root, runtime, env: process.env, formatLine }));
}

const [command = 'start', ...args] = process.argv.slice(2);
ensureInstalled(root);
switch (command) {
  case 'setup':
    break;
  case 'start':
    await launch('compiled');
    break;
  case 'dev':
    await launch('tsx');
    break;
  case 'build':
    process.exit(build(root, { quiet: true }));
    break;
  case 'test': {
    const status = run(root, bin('vitest'), ['run', ...args]);
    const blockers = dockerTestBlockers();
    console.log(
      blockers.length > 0
        ? `The Docker engine test was skipped: ${blockers.join('; ')}.`
        : 'The Docker engine test is not part of npm test: `npm run test:docker` runs it (about 15 min the first time, 5 after).',
    );
    process.exit(status);
    break;
  }
  case 'test:docker': {
    // DOCKER_TEST_REQUIRED=1 (CI): a machine that cannot run it fails instead of skipping it.
    const blockers = dockerTestBlockers();
    if (blockers.length > 0) {
      console.error(`The Docker engine test cannot run here: ${blockers.join('; ')}.`);
      process.exit(process.env.DOCKER_TEST_REQUIRED === '1' ? 1 : 0);
    }
    process.exit(run(root, bin('vitest'), ['run', '--config', join('tests', 'docker', 'vitest.config.ts'), ...args]));
    break;
  }
  case 'typecheck':
    process.exit(run(root, bin('tsc'), ['-p', 'tsconfig.json']));
    break;
  case 'lint':
    process.exit(run(root, bin('biome'), ['ci', '.']));
    break;
  case 'bench':
    process.exit(run(root, process.execPath, [...tsxArgs('bench.ts'), ...args]));
    break;
  case 'token':
    process.exit(run(root, process.execPath, [...tsxArgs('token.ts'), ...args]));
    break;
  case 'events':
    process.exit(run(root, process.execPath, [...tsxArgs('events.ts'), ...args]));
    break;
  default:
    console.error(`unknown command: ${command}`);
    process.exit(2);
}
