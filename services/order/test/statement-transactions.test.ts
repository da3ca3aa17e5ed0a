import { randomUUID } from 'node:crypto';
import { isUniqueViolation, runStatements } from '@order-system/platform';
import { gate } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../src/generated/prisma/client.js';
import { cursorNames, insertCursor, moveCursor } from './cursor-rows.js';
import { startWorkers, type Workers } from './order-workers.js';

// runStatements: the order workflow's writes as one transaction that goes on only while each
// guarded step changes exactly one row. On SQLite it runs straight on the connection under the
// client's lock, on PostgreSQL on a connection of the client's pool: both are checked here, over
// the order database, on the small table of reconciliation cursors.
let w: Workers;

beforeAll(async () => {
  w = await startWorkers();
});
afterAll(() => w?.close());

describe('runStatements', () => {
  it('when every step applies, then all of them are written and the rows each changed come back', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const outcome = await runStatements(w.prisma, [
      { statement: insertCursor(a), mustChangeOne: true },
      { statement: insertCursor(b) },
      { statement: moveCursor(randomUUID(), new Date()) },
    ]);
    expect(outcome).toEqual({ kind: 'committed', changed: [1, 1, 0] });
    expect(await cursorNames(w.prisma, a, b)).toEqual([a, b].sort());
  });

  it('when a guarded step changes no row, then the transaction stops there and nothing of it is written', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const outcome = await runStatements(w.prisma, [
      { statement: insertCursor(a) },
      { statement: moveCursor(randomUUID(), new Date()), mustChangeOne: true },
      { statement: insertCursor(b) },
    ]);
    expect(outcome).toEqual({ kind: 'stopped', at: 1, changed: 0 });
    expect(await cursorNames(w.prisma, a, b)).toEqual([]);
  });

  it('when a lone guarded step changes no row, then it says so', async () => {
    expect(await runStatements(w.prisma, [{ statement: moveCursor(randomUUID(), new Date()), mustChangeOne: true }])).toEqual({
      kind: 'stopped',
      at: 0,
      changed: 0,
    });
  });

  it('when a lone guarded step changes more than one row, then it is undone', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const at = new Date('2026-12-07T10:00:00.000Z');
    await runStatements(w.prisma, [{ statement: insertCursor(a, at) }, { statement: insertCursor(b, at) }]);
    const both = Prisma.sql`UPDATE "reconciliation_cursors" SET "position" = ${new Date()} WHERE "name" IN (${a}, ${b})`;
    expect(await runStatements(w.prisma, [{ statement: both, mustChangeOne: true }])).toEqual({ kind: 'stopped', at: 0, changed: 2 });
    expect(await w.prisma.reconciliationCursor.count({ where: { name: { in: [a, b] }, position: at } })).toBe(2);
  });

  it('when a step breaks a unique key, then the error is a unique violation, nothing is written, and the client goes on', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const failed = await runStatements(w.prisma, [
      { statement: insertCursor(a) },
      { statement: insertCursor(b) },
      { statement: insertCursor(a) },
    ]).catch((err: unknown) => err);
    expect(isUniqueViolation(failed)).toBe(true);
    expect(await cursorNames(w.prisma, a, b)).toEqual([]);
    await runStatements(w.prisma, [{ statement: insertCursor(a) }]);
    expect(await cursorNames(w.prisma, a)).toEqual([a]);
  });

  it('when a time is written, then Prisma reads the same instant back and finds the row by it', async () => {
    const name = randomUUID();
    const at = new Date('2026-12-07T10:11:12.345Z');
    await runStatements(w.prisma, [{ statement: insertCursor(name, at) }]);
    expect(await w.prisma.reconciliationCursor.findUnique({ where: { name } })).toEqual({ name, position: at });
    expect(await w.prisma.reconciliationCursor.count({ where: { name, position: at } })).toBe(1);
    const later = new Date(at.getTime() + 1);
    await runStatements(w.prisma, [{ statement: moveCursor(name, later) }]);
    expect(await w.prisma.reconciliationCursor.count({ where: { name, position: { gt: at } } })).toBe(1);
  });

  it('when it runs while another transaction of the client is open, then it never runs inside it: that one rolls back alone', async () => {
    const [inside, beside] = [randomUUID(), randomUUID()];
    const opened = gate();
    const release = gate();
    const open = w.prisma
      .$transaction(async (tx) => {
        await tx.$executeRaw(insertCursor(inside));
        opened.open();
        await release.opened;
        throw new Error('rolled back on purpose');
      })
      .catch((err: unknown) => err);
    await opened.opened;
    const written = runStatements(w.prisma, [{ statement: insertCursor(beside) }]);
    release.open();
    expect(await written).toEqual({ kind: 'committed', changed: [1] });
    expect(await open).toMatchObject({ message: 'rolled back on purpose' });
    expect(await cursorNames(w.prisma, inside, beside)).toEqual([beside]);
  });
});
