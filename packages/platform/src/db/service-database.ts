import { fileURLToPath } from 'node:url';
import type { ServiceDatabase } from './open-database.js';
import type { PostgresqlPrismaClientOptions, PrismaClientOptions } from './prisma-client.js';

/**
 * A service's database on either provider, for openDatabase: its two generated clients, and its
 * migrations under `prisma/<service>/migrations` (SQLite) and `prisma/<service>/postgresql/migrations`.
 *
 * `fits` is the compile-time check that the PostgreSQL client accepts what the repositories pass
 * (they are written against the SQLite client's types): the caller writes
 * `true satisfies ClientFits<Prisma.TypeMap, PostgresqlPrisma.TypeMap>`, which fails to compile,
 * naming the operations, when the PostgreSQL client stops fitting. The cast below only bridges the two
 * classes' generic overloads, which TypeScript cannot compare.
 */
export function serviceDatabase<T>(
  service: string,
  clients: { sqlite: new (options: PrismaClientOptions) => T; postgresql: new (options: PostgresqlPrismaClientOptions) => unknown },
  _fits: true,
): ServiceDatabase<T> {
  const migrations = (folder: string) => fileURLToPath(new URL(`../../../../prisma/${service}/${folder}`, import.meta.url));
  return {
    sqlite: { Client: clients.sqlite, migrationsDir: migrations('migrations') },
    postgresql: {
      Client: clients.postgresql as new (options: PostgresqlPrismaClientOptions) => T,
      migrationsDir: migrations('postgresql/migrations'),
    },
  };
}
