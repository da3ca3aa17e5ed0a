import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { Mutex } from '../mutex.js';
import type { SqlStatement, StatementDriver } from './statement-transaction.js';

type DriverAdapter = Awaited<ReturnType<PrismaBetterSqlite3['connect']>>;
type Transaction = Awaited<ReturnType<DriverAdapter['startTransaction']>>;

export const SQLITE_BUSY_TIMEOUT_MS = 10_000;
/** Distinct SQL texts kept prepared; Prisma's statements are parameterized, so a service uses a few dozen. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * A driver adapter factory that serializes every query and transaction of one Prisma client
 * through one lock.
 *
 * Why: @prisma/adapter-better-sqlite3 shares a single connection, and its own mutex covers only
 * transactions. A query issued outside a transaction while another request's interactive
 * transaction is open would run inside that transaction: it would read uncommitted rows, and
 * its write would vanish if that transaction rolled back. Holding one lock from BEGIN to
 * COMMIT/ROLLBACK, and around each lone query, closes that hole.
 *
 * It also makes transactions take SQLite's write lock up front (BEGIN IMMEDIATE), so a
 * transaction that reads and then writes never fails with SQLITE_BUSY against another process,
 * and keeps every statement prepared once (the adapter prepares each query anew otherwise).
 */
export class SerializedSqliteAdapterFactory {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;
  readonly #inner: PrismaBetterSqlite3;
  readonly #lock = new Mutex();
  #db: BetterSqlite3.Database | undefined;

  constructor(databaseFile: string) {
    this.#inner = new PrismaBetterSqlite3({ url: databaseFile, timeout: SQLITE_BUSY_TIMEOUT_MS });
    this.adapterName = this.#inner.adapterName;
  }

  async connect(): Promise<DriverAdapter> {
    const adapter = await this.#inner.connect();
    const db = configureConnection(adapter);
    this.#db = db;
    const serialized = serialize(adapter, this.#lock);
    // Once Prisma lets the connection go ($disconnect), the driver waits for the next one.
    return withOverrides(serialized, {
      dispose: () => {
        if (this.#db === db) this.#db = undefined;
        return serialized.dispose();
      },
    });
  }

  get connected(): boolean {
    return this.#db !== undefined;
  }

  /**
   * Statements straight on the connection (see runStatements), each run or transaction under the
   * lock that every query and transaction of the client takes: nothing else runs inside it.
   */
  readonly driver: StatementDriver = {
    runAlone: (statement) => this.#lock.run(async () => runOn(this.#open(), statement)),
    transaction: (work) =>
      this.#lock.run(async () => {
        const db = this.#open();
        const prepare = db.prepare as unknown as (sql: string) => PreparedOnce;
        prepare('BEGIN').run();
        try {
          const result = await work(async (statement) => runOn(db, statement));
          prepare('COMMIT').run();
          return result;
        } catch (err) {
          try {
            if (db.inTransaction) prepare('ROLLBACK').run();
          } catch {
            // The work's own error says what went wrong; SQLite ends the transaction itself on one it cannot roll back.
          }
          throw err;
        }
      }),
  };

  #open(): BetterSqlite3.Database {
    if (!this.#db) throw new Error('The SQLite connection is not open yet');
    return this.#db;
  }
}

function configureConnection(adapter: DriverAdapter): BetterSqlite3.Database {
  // The adapter keeps its better-sqlite3 handle in a public `client` field.
  const db = (adapter as unknown as { client: BetterSqlite3.Database }).client;
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.prepare = cachedPrepare(db) as unknown as typeof db.prepare;
  return db;
}

function runOn(db: BetterSqlite3.Database, statement: SqlStatement): number {
  const prepare = db.prepare as unknown as (sql: string) => PreparedOnce;
  return prepare(statement.sql).bind(statement.values.map(sqliteValue)).run().changes;
}

/** A value as the adapter binds it: a Date as ISO 8601 text with its offset, a boolean as 0 or 1. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().replace('Z', '+00:00');
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value ?? null;
}

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/**
 * `db.prepare` as the adapter uses it (`prepare(sql).bind(args)`, then `run()`, or `reader`,
 * `columns()` and `raw().all()`), over statements prepared once per SQL text. better-sqlite3 binds
 * parameters to a statement for good, so the cached statement is never bound: the arguments are
 * passed to each run instead. `BEGIN` becomes `BEGIN IMMEDIATE`.
 */
function cachedPrepare(db: BetterSqlite3.Database): (sql: string) => PreparedOnce {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, PreparedOnce>();
  return (sql) => {
    let prepared = cache.get(sql);
    if (!prepared) {
      prepared = preparedOnce(prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql) as Statement);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, prepared);
    }
    return prepared;
  };
}

type PreparedOnce = ReturnType<typeof preparedOnce>;

/** One cached statement, as the adapter calls it. Its columns never change: they are read once. */
function preparedOnce(stmt: Statement) {
  let columns: BetterSqlite3.ColumnDefinition[] | undefined;
  const columnsOnce = () => {
    columns ??= stmt.columns();
    return columns;
  };
  return {
    reader: stmt.reader,
    run: () => stmt.run(),
    bind: (args: unknown[]) => ({
      reader: stmt.reader,
      run: () => stmt.run(args),
      columns: columnsOnce,
      raw: () => ({ all: () => stmt.raw(true).all(args) }),
    }),
  };
}

function serialize(adapter: DriverAdapter, lock: Mutex): DriverAdapter {
  const overrides: Partial<DriverAdapter> = {
    queryRaw: (query) => lock.run(() => adapter.queryRaw(query)),
    executeRaw: (query) => lock.run(() => adapter.executeRaw(query)),
    executeScript: (script) => lock.run(() => adapter.executeScript(script)),
    startTransaction: async (isolationLevel) => {
      const release = await lock.acquire();
      try {
        return holdUntilEnd(await adapter.startTransaction(isolationLevel), release);
      } catch (err) {
        release();
        throw err;
      }
    },
  };
  return withOverrides(adapter, overrides);
}

function holdUntilEnd(tx: Transaction, release: () => void): Transaction {
  return withOverrides(tx, {
    commit: async () => {
      try {
        await tx.commit();
      } finally {
        release();
      }
    },
    rollback: async () => {
      try {
        await tx.rollback();
      } finally {
        release();
      }
    },
  });
}

/** `target` with some members replaced; the others are its own, bound once on first use. */
function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof T];
      const value = Reflect.get(object, property);
      if (typeof value !== 'function') return value;
      let method = bound.get(property);
      if (method === undefined) {
        method = value.bind(object);
        bound.set(property, method);
      }
      return method;
    },
  });
}
