import type { PrismaClient } from '../src/generated/prisma/client.js';
import { Prisma } from '../src/generated/prisma/client.js';

// Rows of the small reconciliation_cursors table (name, position), for the tests of runStatements.

export const insertCursor = (name: string, at = new Date()) =>
  Prisma.sql`INSERT INTO "reconciliation_cursors" ("name", "position") VALUES (${name}, ${at})`;

export const moveCursor = (name: string, at: Date) =>
  Prisma.sql`UPDATE "reconciliation_cursors" SET "position" = ${at} WHERE "name" = ${name}`;

/** Which of these cursors exist, by name. */
export async function cursorNames(prisma: PrismaClient, ...candidates: string[]): Promise<string[]> {
  const rows = await prisma.reconciliationCursor.findMany({ where: { name: { in: candidates } }, orderBy: { name: 'asc' } });
  return rows.map((row) => row.name);
}
