import { randomUUID } from 'node:crypto';
import { isDatabaseUnavailable, runStatements } from '@order-system/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../src/generated/prisma/client.js';
import { cursorNames, insertCursor } from './cursor-rows.js';
import { startWorkers, type Workers } from './order-workers.js';

// runStatements on PostgreSQL, where it runs on a connection taken out of the client's pool: what
// happens when the server ends that connection in the middle of the transaction.
let w: Workers;

beforeAll(async () => {
  w = await startWorkers();
});
afterAll(() => w?.close());

describe('runStatements on PostgreSQL', () => {
  it('when the server ends the connection in the middle of the transaction, then it fails as unavailable, nothing is written, and the process and the pool go on', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const failed = await runStatements(w.prisma, [
      { statement: insertCursor(a) },
      { statement: Prisma.sql`SELECT pg_terminate_backend(pg_backend_pid())` },
      { statement: insertCursor(b) },
    ]).catch((err: unknown) => err);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    // The connection's own 'error' event came too; unheard, it would have ended this process.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cursorNames(w.prisma, a, b)).toEqual([]);
    expect(await runStatements(w.prisma, [{ statement: insertCursor(a) }, { statement: insertCursor(b) }])).toEqual({
      kind: 'committed',
      changed: [1, 1],
    });
  });
});
