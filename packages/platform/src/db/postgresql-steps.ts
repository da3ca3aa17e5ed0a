import type pg from 'pg';
import type { TransactionOutcome, TransactionStep } from './statement-transaction.js';

/**
 * The steps as one transaction on a connection of the pool, straight through node-postgres (see
 * runStatements): `BEGIN`, each statement, `COMMIT`; `ROLLBACK` when a guarded step changed other
 * than one row or a statement failed. One unguarded step runs on its own, atomic by itself. Values go as
 * node-postgres sends them (a Date as its instant with the process's offset: the columns are
 * timestamptz).
 */
export async function runPostgresqlSteps(pool: pg.Pool, steps: TransactionStep[]): Promise<TransactionOutcome> {
  const [only] = steps;
  if (steps.length === 1 && only && !only.mustChangeOne) {
    const changed = (await pool.query(only.statement.text, only.statement.values)).rowCount ?? 0;
    return only.mustChangeOne && changed !== 1 ? { kind: 'stopped', at: 0, changed } : { kind: 'committed', changed: [changed] };
  }
  const connection = await pool.connect();
  let broken: Error | undefined;
  // A connection the server ends while it is out of the pool (a transaction left idle past
  // idle_in_transaction_session_timeout by a paused process, a restart) says so with an 'error'
  // event, which would end the process unheard; the statement waiting on it fails on its own.
  const onError = (err: Error) => {
    broken = err;
  };
  connection.on('error', onError);
  try {
    await connection.query('BEGIN');
    const changed: number[] = [];
    for (const [at, step] of steps.entries()) {
      const count = (await connection.query(step.statement.text, step.statement.values)).rowCount ?? 0;
      if (step.mustChangeOne && count !== 1) {
        await connection.query('ROLLBACK');
        return { kind: 'stopped', at, changed: count };
      }
      changed.push(count);
    }
    await connection.query('COMMIT');
    return { kind: 'committed', changed };
  } catch (err) {
    // A connection whose rollback fails too (or that failed) is not given back to the pool, but closed.
    await connection.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw err;
  } finally {
    connection.removeListener('error', onError);
    connection.release(broken);
  }
}
