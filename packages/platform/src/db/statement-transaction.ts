/**
 * One SQL statement as Prisma.sql builds it: `sql` with `?` placeholders (SQLite), `text` with `$1`,
 * `$2`, ... (PostgreSQL), the values in order.
 */
export interface SqlStatement {
  readonly sql: string;
  readonly text: string;
  readonly values: unknown[];
}

/** A statement of a transaction; with `mustChangeOne`, the transaction goes on only if it changed exactly one row. */
export interface TransactionStep {
  statement: SqlStatement;
  mustChangeOne?: boolean;
}

/**
 * committed: every statement ran and the transaction committed, `changed` holding the rows each
 * changed. stopped: the step `at` did not change exactly one row, and the transaction was rolled
 * back (nothing of it was written).
 */
export type TransactionOutcome = { kind: 'committed'; changed: number[] } | { kind: 'stopped'; at: number; changed: number };

/** Runs the steps of one transaction; chosen per database when its client is made. */
export type StatementRunner = (steps: TransactionStep[]) => Promise<TransactionOutcome>;

/** Thrown inside a transaction to roll it back when a step did not change exactly one row. */
class StepStopped extends Error {
  constructor(
    readonly at: number,
    readonly changed: number,
  ) {
    super(`step ${at} changed ${changed} rows`);
  }
}

/** What runStatements needs of a client made some other way: an interactive transaction of raw statements. */
interface TransactionalClient {
  $transaction<R>(work: (tx: { $executeRaw(statement: never): Promise<number> }) => Promise<R>): Promise<R>;
}

const runners = new WeakMap<object, StatementRunner>();

/** Registers the runner of a client (the SQLite one runs straight on its connection). */
export function registerStatementRunner(client: object, runner: StatementRunner): void {
  runners.set(client, runner);
}

/**
 * Runs write statements as one transaction, in order, stopping (and rolling back) at the first
 * step marked `mustChangeOne` that does not change exactly one row: a conditional update and what
 * must be written only with it, as one unit. The statements run straight on the driver, not
 * through Prisma's transactions, which cost more than the statements themselves: on SQLite on the
 * connection under the client's lock, on PostgreSQL on a connection of the client's pool. A client
 * made otherwise runs them in an interactive transaction of its own.
 */
export async function runStatements(client: object, steps: TransactionStep[]): Promise<TransactionOutcome> {
  const runner = runners.get(client);
  if (runner) return runner(steps);
  const prisma = client as TransactionalClient & { $executeRaw(statement: never): Promise<number> };
  const [only] = steps;
  if (steps.length === 1 && only && !only.mustChangeOne) {
    // One statement is atomic on its own: no transaction, one round trip.
    const changed = await prisma.$executeRaw(only.statement as never);
    return only.mustChangeOne && changed !== 1 ? { kind: 'stopped', at: 0, changed } : { kind: 'committed', changed: [changed] };
  }
  try {
    return await prisma.$transaction(async (tx) => {
      const changed: number[] = [];
      for (const [at, step] of steps.entries()) {
        const count = await tx.$executeRaw(step.statement as never);
        if (step.mustChangeOne && count !== 1) throw new StepStopped(at, count);
        changed.push(count);
      }
      return { kind: 'committed', changed } as const;
    });
  } catch (err) {
    if (err instanceof StepStopped) return { kind: 'stopped', at: err.at, changed: err.changed };
    throw err;
  }
}
