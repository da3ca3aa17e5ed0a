import { createLogger, openDatabase } from '@order-system/platform';
import { tempDatabaseUrl } from '@order-system/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PAYMENT_DATABASE } from '../../services/payment/src/database.js';

// DateTime columns are timestamptz(3) on PostgreSQL: an instant, whatever time zone the session has.
const logger = createLogger({ service: 'test', level: 'silent' });
const url = tempDatabaseUrl('timestamps');
const inZone = (zone: string) => {
  const withZone = new URL(url);
  withZone.searchParams.set('options', `-c TimeZone=${zone}`);
  return withZone.toString();
};
const opened: { $disconnect(): Promise<void> }[] = [];
afterAll(() => Promise.all(opened.map((client) => client.$disconnect())));

async function paymentsIn(zone: string) {
  const { prisma } = await openDatabase(PAYMENT_DATABASE, { databaseUrl: inZone(zone), poolSize: 2, logger });
  opened.push(prisma);
  return prisma;
}

describe('timestamps on PostgreSQL', () => {
  it('when sessions in far apart time zones write and read, then every one sees the same UTC instant', async () => {
    const kiritimati = await paymentsIn('Pacific/Kiritimati'); // UTC+14
    const honolulu = await paymentsIn('Pacific/Honolulu'); // UTC-10
    const refundedAt = new Date('2026-03-01T12:34:56.789Z');
    const before = Date.now();

    const written = await kiritimati.payment.create({
      data: { orderId: crypto.randomUUID(), amountCents: 100, status: 'REFUNDED', refundedAt },
    });
    const read = await honolulu.payment.findUniqueOrThrow({ where: { id: written.id } });

    expect(read.refundedAt?.toISOString()).toBe('2026-03-01T12:34:56.789Z');
    expect(read.createdAt.getTime()).toBe(written.createdAt.getTime());
    // created_at comes from the database's default (now()), which must be the real instant too.
    expect(Math.abs(read.createdAt.getTime() - before)).toBeLessThan(60_000);
    const client = new pg.Client({ connectionString: inZone('Asia/Kathmandu') });
    await client.connect();
    const { rows } = await client.query(
      `SELECT to_char(refunded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS utc,
              extract(epoch FROM created_at) * 1000 AS created_ms, current_setting('TimeZone') AS zone
         FROM payments WHERE id = $1`,
      [written.id],
    );
    await client.end();
    expect(rows[0]).toMatchObject({ utc: '2026-03-01T12:34:56.789', zone: 'Asia/Kathmandu' });
    expect(Number(rows[0].created_ms)).toBe(written.createdAt.getTime());
  });
});
