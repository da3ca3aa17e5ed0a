// Generates the Prisma client of every service from prisma/<service>/schema.prisma.
//
// `prisma generate` looks for the native schema engine before it starts and tries to
// download it when it is missing. Generation itself never runs that engine, so on a
// machine without access to Prisma's binary host we point the variable at a file that
// exists (this Node binary). Migrations are applied by the services themselves
// (packages/platform/src/db/migrate.ts), so the engine is never needed here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

const services = readdirSync(join(root, 'prisma'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'prisma', entry.name, 'schema.prisma')))
  .map((entry) => entry.name);

for (const service of services) {
  const schema = join('prisma', service, 'schema.prisma');
  const result = spawnSync(prismaBin, ['generate', '--schema', schema], { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`generate: prisma generate failed for ${schema}`);
    process.exit(result.status ?? 1);
  }
}
