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

/** Runs one statement and says how many rows it changed. */
export type RunStatement = (statement: SqlStatement) => Promise<number>;

/**
 * How a database's driver runs statements, straight, not through Prisma: one on its own (atomic by
 * itself), or several in a transaction that commits when `work` resolves and rolls back when it
 * throws. Made with the client (see prisma-client.ts).
 */
export interface StatementDriver {
  runAlone: RunStatement;
  transaction<T>(work: (run: RunStatement) => Promise<T>): Promise<T>;
}

/** Thrown inside a transaction to roll it back when a step did not change exactly one row. */
class StepStopped extends Error {
  constructor(
    readonly at: number,
    readonly changed: number,
  ) {
    super(`step ${at} changed ${changed} rows`);
  }
}

const drivers = new WeakMap<object, StatementDriver>();

/** Registers the driver of a Prisma client, for runStatements. */
export function registerStatementDriver(client: object, driver: StatementDriver): void {
  drivers.set(client, driver);
}

/**
 * Runs write statements as one transaction, in order, stopping (and rolling back) at the first
 * step marked `mustChangeOne` that does not change exactly one row: a conditional update and what
 * must be written only with it, as one unit. The statements run straight on the driver, not
 * through Prisma's transactions, which cost more than the statements themselves: on SQLite on the
 * connection under the client's lock, on PostgreSQL on a connection of the client's pool. One
 * unguarded statement runs on its own.
 */
export async function runStatements(client: object, steps: TransactionStep[]): Promise<TransactionOutcome> {
  const driver = drivers.get(client);
  if (!driver) throw new Error('runStatements takes a client made by openDatabase');
  const [only] = steps;
  if (steps.length === 1 && only && !only.mustChangeOne) return { kind: 'committed', changed: [await driver.runAlone(only.statement)] };
  try {
    return await driver.transaction(async (run) => {
      const changed: number[] = [];
      for (const [at, step] of steps.entries()) {
        const count = await run(step.statement);
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
