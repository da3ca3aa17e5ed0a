import { Prisma, type PrismaClient } from '../generated/prisma/client.js';

export type CursorName = 'payments' | 'cancelled_orders';

/** The only code that touches reconciliation_cursors: how far the reconciliation has looked. */
export class ReconciliationCursorsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async get(name: CursorName): Promise<Date | null> {
    const row = await this.prisma.reconciliationCursor.findUnique({ where: { name } });
    return row?.position ?? null;
  }

  /** Moves the cursor forward to `position` (never back: replicas reconcile side by side). */
  async advance(name: CursorName, position: Date): Promise<void> {
    await this.prisma.$executeRaw(Prisma.sql`
      INSERT INTO "reconciliation_cursors" ("name", "position") VALUES (${name}, ${position})
      ON CONFLICT ("name") DO UPDATE SET "position" = ${position} WHERE "reconciliation_cursors"."position" < ${position}`);
  }
}
