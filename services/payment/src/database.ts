import { fileURLToPath } from 'node:url';
import type { ClientFits, ServiceDatabase } from '@order-system/platform';
import { type Prisma, PrismaClient } from './generated/prisma/client.js';
import { type Prisma as PostgresqlPrisma, PrismaClient as PostgresqlPrismaClient } from './generated/prisma-postgresql/client.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/payment/migrations', import.meta.url));
export const POSTGRESQL_MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/payment/postgresql/migrations', import.meta.url));

/**
 * The repositories are written against the SQLite client's types. This fails to compile, naming the
 * operations, when the PostgreSQL client stops accepting what they pass or returns something else.
 */
export const POSTGRESQL_CLIENT_FITS: ClientFits<Prisma.TypeMap, PostgresqlPrisma.TypeMap> = true;

/** The payment database on either provider, for openDatabase. */
export const PAYMENT_DATABASE: ServiceDatabase<PrismaClient> = {
  sqlite: { Client: PrismaClient, migrationsDir: MIGRATIONS_DIR },
  // Checked to fit just above; the cast only bridges the two classes' generic overloads, which
  // TypeScript cannot compare.
  postgresql: {
    Client: PostgresqlPrismaClient as unknown as ServiceDatabase<PrismaClient>['postgresql']['Client'],
    migrationsDir: POSTGRESQL_MIGRATIONS_DIR,
  },
};
