import { isUniqueViolation } from '@order-system/platform';
import type { IdempotencyKey, PrismaClient } from '../../generated/prisma/client.js';

export type ClaimOutcome = { kind: 'claimed'; record: IdempotencyKey } | { kind: 'exists'; record: IdempotencyKey };

/** The only code that touches the idempotency_keys table. */
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Records the key as IN_PROGRESS with its order id, unless it exists; two claims never both win:
   * on SQLite the transaction runs alone, on PostgreSQL the primary key (scope, key) lets one insert
   * commit and fails the others, which then read the winner's record (exists).
   */
  async claim(scope: string, key: string, requestHash: string, orderId: string): Promise<ClaimOutcome> {
    for (;;) {
      try {
        return await this.#claim(scope, key, requestHash, orderId);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const existing = await this.prisma.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
        // Gone again already (its request ended before doing anything and released it): claim anew.
        if (existing) return { kind: 'exists', record: existing };
      }
    }
  }

  #claim(scope: string, key: string, requestHash: string, orderId: string): Promise<ClaimOutcome> {
    return this.prisma.$transaction(async (tx): Promise<ClaimOutcome> => {
      const existing = await tx.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
      if (existing) return { kind: 'exists', record: existing };
      const record = await tx.idempotencyKey.create({ data: { scope, key, requestHash, orderId, status: 'IN_PROGRESS' } });
      return { kind: 'claimed', record };
    });
  }

  /** Stores the answer of a claim still IN_PROGRESS, or one that replaces a provisional (202) answer. */
  async complete(scope: string, key: string, responseStatus: number, responseBody: unknown): Promise<void> {
    await this.prisma.idempotencyKey.updateMany({
      where: { scope, key, OR: [{ status: 'IN_PROGRESS' }, { status: 'COMPLETED', responseStatus: 202 }] },
      data: { status: 'COMPLETED', responseStatus, responseBody: JSON.stringify(responseBody), completedAt: new Date() },
    });
  }

  /** Forgets a claim whose request ended before it did anything (an unexpected error before the order existed). */
  async release(scope: string, key: string): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({ where: { scope, key, status: 'IN_PROGRESS' } });
  }

  async purgeCompletedBefore(cutoff: Date): Promise<number> {
    const { count } = await this.prisma.idempotencyKey.deleteMany({ where: { status: 'COMPLETED', createdAt: { lt: cutoff } } });
    return count;
  }
}
