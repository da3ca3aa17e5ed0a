import { type ClientFits, serviceDatabase } from '@order-system/platform';
import { type Prisma, PrismaClient } from './generated/prisma/client.js';
import { type Prisma as PostgresqlPrisma, PrismaClient as PostgresqlPrismaClient } from './generated/prisma-postgresql/client.js';

/** The order database on either provider, for openDatabase (the PostgreSQL client checked to fit the SQLite one's types). */
export const ORDER_DATABASE = serviceDatabase(
  'order',
  { sqlite: PrismaClient, postgresql: PostgresqlPrismaClient },
  true satisfies ClientFits<Prisma.TypeMap, PostgresqlPrisma.TypeMap>,
);

export const MIGRATIONS_DIR = ORDER_DATABASE.sqlite.migrationsDir;
