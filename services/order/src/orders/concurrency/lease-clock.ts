import { Prisma } from '../../generated/prisma/client.js';

/**
 * Whose clock says when a lease has expired, as SQL fragments. Where replicas share a PostgreSQL
 * database it is the database's (now()), so replicas whose clocks differ still agree; where one
 * process owns an SQLite file it is that process's. Chosen once, in the composition root.
 *
 * Correctness never rests on it: every write of a worker is fenced by its lease token, so a clock
 * that lies only makes a takeover come early or late, never lets two workers both write.
 */
export interface LeaseClock {
  now(): Prisma.Sql;
  /** `ms` milliseconds from now. */
  after(ms: number): Prisma.Sql;
}

export const databaseClock: LeaseClock = {
  now: () => Prisma.sql`now()`,
  after: (ms) => Prisma.sql`(now() + ${ms}::integer * interval '1 millisecond')`,
};

export const processClock: LeaseClock = {
  now: () => Prisma.sql`${new Date()}`,
  after: (ms) => Prisma.sql`${new Date(Date.now() + ms)}`,
};
