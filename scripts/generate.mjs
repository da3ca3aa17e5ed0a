// Generates the Prisma clients of every service: renders prisma/<service>/postgresql/schema.prisma
// from prisma/<service>/schema.prisma (see prisma-schemas.mjs), then generates the SQLite client
// (services/<service>/src/generated/prisma) and the PostgreSQL one (.../generated/prisma-postgresql).
//
// `prisma generate` looks for the native schema engine before it starts and tries to
// download it when it is missing. Generation itself never runs that engine, so on a
// machine without access to Prisma's binary host we point the variable at a file that
// exists (this Node binary). Migrations are applied by the services themselves
// (packages/platform/src/db/migrate.ts), so the engine is never needed here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSchemaServices, postgresqlSchemaPath, renderPostgresqlSchema, sqliteSchemaPath } from './prisma-schemas.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaBin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'prisma.cmd' : 'prisma');

if (!existsSync(prismaBin)) {
  console.error('generate: the prisma CLI is not installed yet; run the install first');
  process.exit(1);
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

function generate(schema) {
  const result = spawnSync(prismaBin, ['generate', '--schema', schema], { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`generate: prisma generate failed for ${schema}`);
    process.exit(result.status ?? 1);
  }
}
