// Installs the workspace with pnpm when node_modules is missing or older than the manifests, the
// lockfile or the Prisma schemas (through npx when pnpm is not installed); the install's postinstall
// generates the Prisma clients. Plain Node only: this runs before any dependency exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listSchemaServices, sqliteSchemaPath } from '../prisma-schemas.mjs';

const PNPM_VERSION = '10.34.9';

/** Runs a command to completion with the launcher's terminal; returns its exit status. */
export function run(root, command, args, options = {}) {
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
function installFingerprint(root) {
  const hash = createHash('sha256');
  const files = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.pnpmfile.cjs', 'tests/package.json'];
  for (const group of ['packages', 'services']) {
    const dir = join(root, group);
    if (existsSync(dir)) for (const name of readdirSync(dir)) files.push(`${group}/${name}/package.json`);
  }
  for (const service of listSchemaServices(root)) files.push(relative(root, sqliteSchemaPath(root, service)));
  for (const file of files.sort()) {
    const path = join(root, file);
    if (existsSync(path)) hash.update(file).update(readFileSync(path));
  }
  return hash.digest('hex');
}

/**
 * Installs when needed. With ORDER_SYSTEM_NO_INSTALL=1 (the launcher's own
 * tests, which must never install) a missing or stale install is an error instead.
 */
export function ensureInstalled(root) {
  const stampFile = join(root, 'node_modules', '.order-system-install');
  const fingerprint = installFingerprint(root);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === fingerprint) return;
  if (process.env.ORDER_SYSTEM_NO_INSTALL === '1') {
    console.error('The install is missing or stale, and ORDER_SYSTEM_NO_INSTALL=1 forbids installing: run `npm run setup`.');
    process.exit(1);
  }
  console.log('Installing dependencies (first run, or they changed)...');
  const [pnpm, prefix] = pnpmCommand();
  // --frozen-lockfile: install exactly what the lockfile says; the root postinstall generates the Prisma clients.
  const status = run(root, pnpm, [...prefix, 'install', '--frozen-lockfile'], { env: { ...process.env, CI: process.env.CI ?? 'true' } });
  if (status !== 0) process.exit(status);
  // The root's postinstall generated the Prisma clients; again only if it did not run (ignore-scripts).
  if (run(root, process.execPath, [join(root, 'scripts', 'generate.mjs'), '--if-changed']) !== 0) process.exit(1);
  writeFileSync(stampFile, fingerprint);
}
