// The entry point behind the root scripts, so that `npm start` and `npm test` work on a machine
// with only Node and npm: it installs the workspace with pnpm when it is missing or stale
// (through npx when pnpm is not installed), generates the Prisma clients, then runs the command.
//
//   node scripts/run.mjs start | test [vitest args] | typecheck | lint | bench [args] | token [args] | setup
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '10.34.9';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const stampFile = join(root, 'node_modules', '.order-system-install');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && Number(probe.stdout.trim().split('.')[0]) >= 10) return ['pnpm', []];
  return ['npx', ['--yes', `pnpm@${PNPM_VERSION}`]];
}

/** A fingerprint of everything that decides what gets installed and generated. */
function installFingerprint() {
  const hash = createHash('sha256');
  const files = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml'];
  for (const group of ['packages', 'services', 'tests']) {
    const dir = join(root, group);
    if (group === 'tests') files.push('tests/package.json');
    else if (existsSync(dir)) for (const name of readdirSync(dir)) files.push(`${group}/${name}/package.json`);
  }
  for (const name of readdirSync(join(root, 'prisma'))) files.push(`prisma/${name}/schema.prisma`);
  for (const file of files.sort()) {
    const path = join(root, file);
    if (existsSync(path)) hash.update(file).update(readFileSync(path));
  }
  return hash.digest('hex');
}

function ensureInstalled() {
  const fingerprint = installFingerprint();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === fingerprint) return;
  console.log('Installing dependencies (first run, or they changed)...');
  const [pnpm, prefix] = pnpmCommand();
  // --frozen-lockfile: install exactly what the lockfile says; the root postinstall generates the Prisma clients.
  const status = run(pnpm, [...prefix, 'install', '--frozen-lockfile'], { env: { ...process.env, CI: process.env.CI ?? 'true' } });
  if (status !== 0) process.exit(status);
  if (run(process.execPath, [join(root, 'scripts', 'generate.mjs')]) !== 0) process.exit(1);
  writeFileSync(stampFile, fingerprint);
}

// Each service reads PORT and DATABASE_URL; one shared .env cannot hold three of each, so the
// launcher sets them per service (override with PRODUCT_PORT, ORDER_DATABASE_URL, ...).
const SERVICES = ['product', 'payment', 'order'].map((name, index) => {
  const upper = name.toUpperCase();
  const port = Number(process.env[`${upper}_PORT`] ?? [8001, 8002, 8000][index]);
  return { name, port, databaseUrl: process.env[`${upper}_DATABASE_URL`] ?? `file:./data/${name}.db` };
});
const urlOf = (name) => `http://127.0.0.1:${SERVICES.find((s) => s.name === name).port}`;

/** Starts the three services (product and payment first), forwards their logs, stops them on Ctrl-C. */
function startAll() {
  const children = [];
  let stopping = false;
  const stopAll = (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the services...');
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null))).then(() =>
      process.exit(code),
    );
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  const start = (service) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join('services', service.name, 'src', 'main.ts')], {
        cwd: root,
        env: {
          PRODUCT_SERVICE_URL: urlOf('product'),
          PAYMENT_SERVICE_URL: urlOf('payment'),
          ...process.env,
          PORT: String(service.port),
          DATABASE_URL: service.databaseUrl,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      let buffered = '';
      child.stdout.on('data', (chunk) => {
        process.stdout.write(chunk);
        buffered += chunk;
        if (buffered.includes('"msg":"listening"')) {
          buffered = '';
          resolve();
        } else if (buffered.length > 65536) buffered = buffered.slice(-4096);
      });
      child.once('exit', (code, signal) => {
        if (!stopping) {
          console.error(`${service.name} service exited (${signal ?? code}); stopping the others.`);
          stopAll(1);
        }
        resolve();
      });
    });

  Promise.all(SERVICES.filter((s) => s.name !== 'order').map(start))
    .then(() => start(SERVICES.find((s) => s.name === 'order')))
    .then(() => {
      if (stopping) return;
      console.log(
        [
          '',
          'order-system is running:',
          ...SERVICES.map(
            (s) => `  ${s.name.padEnd(8)} http://localhost:${s.port}/api/${s.name}s/   (docs: http://localhost:${s.port}/docs)`,
          ),
          'Admin token: npm run token -- --role admin    Stop: Ctrl-C',
          '',
        ].join('\n'),
      );
    });
}

const [command = 'start', ...args] = process.argv.slice(2);
ensureInstalled();
switch (command) {
  case 'setup':
    break;
  case 'start':
    startAll();
    break;
  case 'test':
    process.exit(run(bin('vitest'), ['run', ...args]));
    break;
  case 'typecheck':
    process.exit(run(bin('tsc'), ['-p', 'tsconfig.json']));
    break;
  case 'lint':
    process.exit(run(bin('biome'), ['ci', '.']));
    break;
  case 'bench':
    process.exit(run(bin('tsx'), [join('scripts', 'bench.ts'), ...args]));
    break;
  case 'token':
    process.exit(run(bin('tsx'), [join('scripts', 'token.ts'), ...args]));
    break;
  default:
    console.error(`unknown command: ${command}`);
    process.exit(2);
}
