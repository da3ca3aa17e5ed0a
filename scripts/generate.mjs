// Generates the Prisma clients of every service: renders prisma/<service>/postgresql/schema.prisma
// from prisma/<service>/schema.prisma (see prisma-schemas.mjs), then generates the SQLite client
// (services/<service>/src/generated/prisma) and the PostgreSQL one (.../generated/prisma-postgresql).
//
// `prisma generate` looks for the native schema engine before it starts and tries to
// download it when it is missing. Generation itself never runs that engine, so on a
// machine without access to Prisma's binary host we point the variable at a file that
// exists (this Node binary). Migrations are applied by the services themselves
// (packages/platform/src/db/migrate.ts), so the engine is never needed here.
//
//   node scripts/generate.mjs [--if-changed]
//
// --if-changed (the launcher, after an install whose postinstall already generated): nothing is
// done when the clients exist and were generated from the same schemas, Prisma and tsconfig.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSchemaServices, postgresqlSchemaPath, renderPostgresqlSchema, sqliteSchemaPath } from './prisma-schemas.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaBin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'prisma.cmd' : 'prisma');

if (!existsSync(prismaBin)) {
  console.error('generate: the prisma CLI is not installed yet; run the install first');
  process.exit(1);
}

const stampFile = join(root, 'node_modules', '.order-system-generated');
const schemas = listSchemaServices(root).flatMap((service) => [sqliteSchemaPath(root, service), postgresqlSchemaPath(root, service)]);

/** Where a schema's client is generated (its generator's output, relative to the schema). */
function outputOf(schema) {
  const output = /^\s*output\s*=\s*"([^"]+)"/m.exec(readFileSync(schema, 'utf8'))?.[1];
  return output && resolve(dirname(schema), output);
}

/** A fingerprint of everything the generated clients depend on. */
function fingerprint() {
  const hash = createHash('sha256');
  const inputs = [
    ...listSchemaServices(root).map((service) => sqliteSchemaPath(root, service)),
    join(root, 'node_modules', 'prisma', 'package.json'),
    join(root, 'tsconfig.json'),
    join(root, 'tsconfig.base.json'),
    join(root, 'scripts', 'generate.mjs'),
    join(root, 'scripts', 'prisma-schemas.mjs'),
  ];
  for (const file of inputs) hash.update(file).update(existsSync(file) ? readFileSync(file) : '');
  return hash.digest('hex');
}

if (process.argv.includes('--if-changed')) {
  const generated = schemas.every((schema) => existsSync(schema) && existsSync(join(outputOf(schema) ?? '', 'client.ts')));
  if (generated && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === fingerprint()) process.exit(0);
}

const env = {
  ...process.env,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
};

for (const service of listSchemaServices(root)) {
  const source = sqliteSchemaPath(root, service);
  const target = postgresqlSchemaPath(root, service);
  const rendered = renderPostgresqlSchema(readFileSync(source, 'utf8'));
  // Written only when it changed, so that an install leaves the work tree as it was.
  if (!existsSync(target) || readFileSync(target, 'utf8') !== rendered) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, rendered);
  }
  for (const schema of [source, target]) generate(relative(root, schema));
}
for (const schema of schemas) checkImportExtensions(outputOf(schema));
writeFileSync(stampFile, fingerprint());

/**
 * Prisma writes the generated client's relative imports with the extension the tsconfig.json it
 * finds asks for; without one (a build that copied the schemas before the tsconfig files) they end
 * in .ts, which tsc leaves as they are and Node cannot load from the compiled JavaScript.
 */
function checkImportExtensions(dir) {
  if (!dir || !existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const bad = /from\s+["'](\.{1,2}\/[^"']*\.ts)["']/.exec(readFileSync(file, 'utf8'));
    if (bad) {
      console.error(
        `generate: ${relative(root, file)} imports ${bad[1]}: Prisma found no tsconfig.json with the project's module settings ` +
          '(run the generation where tsconfig.json and tsconfig.base.json are present)',
      );
      process.exit(1);
    }
  }
}

function generate(schema) {
  const result = spawnSync(prismaBin, ['generate', '--schema', schema], { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`generate: prisma generate failed for ${schema}`);
    process.exit(result.status ?? 1);
  }
}
