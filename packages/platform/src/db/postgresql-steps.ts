import type pg from 'pg';
import type { RunStatement, StatementDriver } from './statement-transaction.js';

/**
 * Statements straight through node-postgres (see runStatements): alone on the pool, or `BEGIN`,
 * the statements and `COMMIT` (`ROLLBACK` when the work throws) on one connection taken out of it.
 * Values go as node-postgres sends them (a Date as its instant with the process's offset: the
 * columns are timestamptz).
 */
export function postgresqlDriver(pool: pg.Pool): StatementDriver {
  return {
    runAlone: async (statement) => (await pool.query(statement.text, statement.values)).rowCount ?? 0,
    transaction: async (work) => {
      const connection = await pool.connect();
      let broken: Error | undefined;
      // A connection the server ends while it is out of the pool (a transaction left idle past
      // idle_in_transaction_session_timeout by a paused process, a restart) says so with an 'error'
      // event, which would end the process unheard; the statement waiting on it fails on its own.
      const onError = (err: Error) => {
        broken = err;
      };
      connection.on('error', onError);
      const run: RunStatement = async (statement) => (await connection.query(statement.text, statement.values)).rowCount ?? 0;
      try {
        await connection.query('BEGIN');
        const result = await work(run);
        await connection.query('COMMIT');
        return result;
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
    },
  };
}
