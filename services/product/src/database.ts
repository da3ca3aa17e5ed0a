import { type ClientFits, serviceDatabase } from '@order-system/platform';
import { type Prisma, PrismaClient } from './generated/prisma/client.js';
import { type Prisma as PostgresqlPrisma, PrismaClient as PostgresqlPrismaClient } from './generated/prisma-postgresql/client.js';

/** The product database on either provider, for openDatabase (the PostgreSQL client checked to fit the SQLite one's types). */
export const PRODUCT_DATABASE = serviceDatabase(
  'product',
  { sqlite: PrismaClient, postgresql: PostgresqlPrismaClient },
  true satisfies ClientFits<Prisma.TypeMap, PostgresqlPrisma.TypeMap>,
);

export const MIGRATIONS_DIR = PRODUCT_DATABASE.sqlite.migrationsDir;
