import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { postgresqlDriver } from './postgresql-steps.js';
import { SerializedSqliteAdapterFactory } from './prisma-sqlite.js';
import { registerStatementDriver } from './statement-transaction.js';

/**
 * Any other format records the call site (a new Error and its stack) on every query, for error
 * messages that point at the caller's line; ours reach the logs with their own stack anyway.
 */
const MINIMAL_ERRORS = 'minimal';
/** How long a query or a transaction waits for a free PostgreSQL connection, by default. */
export const DEFAULT_DATABASE_WAIT_MS = 10_000;

/** What a service's generated PrismaClient is built with, on either database. */
interface ClientOptions<Adapter> {
  adapter: Adapter;
  transactionOptions: { maxWait: number; timeout: number };
  errorFormat: typeof MINIMAL_ERRORS;
}

export type PrismaClientOptions = ClientOptions<SerializedSqliteAdapterFactory>;
export type PostgresqlPrismaClientOptions = ClientOptions<PrismaPg>;

/**
 * Builds a service's generated PrismaClient over the serialized SQLite adapter. Every query
 * waits its turn behind the one lock, so transactions may wait long for their start under
 * load; the limits below are wide for that reason, not because transactions run long.
 */
export function createSqlitePrismaClient<T>(Client: new (options: PrismaClientOptions) => T, databaseFile: string): T {
  const adapter = new SerializedSqliteAdapterFactory(databaseFile);
  const client = new Client({
    adapter,
    transactionOptions: { maxWait: 60_000, timeout: 30_000 },
    errorFormat: MINIMAL_ERRORS,
  });
  // The connection is Prisma's: opened by its first query, or here when runStatements comes first.
  const connected = async () => {
    if (!adapter.connected) await (client as unknown as { $connect(): Promise<void> }).$connect();
    return adapter.driver;
  };
  registerStatementDriver(client as object, {
    runAlone: async (statement) => (await connected()).runAlone(statement),
    transaction: async (work) => (await connected()).transaction(work),
  });
  return client;
}

/**
 * How long a session of the pool may sit inside a transaction doing nothing before PostgreSQL ends it
 * (rolling the transaction back). Our transactions never wait on anything but the database (no HTTP
 * call inside one), so a transaction that idles means its process stalled (a GC pause, SIGSTOP, a
 * frozen VM): without this, the row locks it holds would stall every replica that needs those rows
 * (a recovery taking the order over, reservations of the same product) for as long as the stall lasts.
 */
export const IDLE_IN_TRANSACTION_MS = 5000;

/**
 * The connection string with the session settings every connection of the pool runs with (after any
 * other options, so they win):
 * - TimeZone=UTC. @prisma/adapter-pg writes a DateTime as a UTC wall-clock time without an offset, and
 *   reads a timestamptz by relabelling its offset as +00:00: both are right only in a UTC session
 *   (prisma/orm#26786). So every session runs in UTC, whatever the server's, the database's or the URL's
 *   TimeZone; the columns are timestamptz, so other clients read the same instants in their own zones.
 * - idle_in_transaction_session_timeout (IDLE_IN_TRANSACTION_MS, above).
 */
export function sessionSettings(connectionString: string, idleInTransactionMs = IDLE_IN_TRANSACTION_MS): string {
  const url = new URL(connectionString);
  const options = url.searchParams.get('options');
  const settings = ['-c TimeZone=UTC', `-c idle_in_transaction_session_timeout=${idleInTransactionMs}`];
  url.searchParams.set('options', [options, ...settings].filter(Boolean).join(' '));
  return url.toString();
}

/**
 * Builds a service's PostgreSQL PrismaClient over a pg.Pool of `poolSize` connections. Queries and
 * transactions run at once, each on a connection of its own: whatever must not interleave is held
 * by the database (conditional writes, unique keys), never by this process. A query or a
 * transaction waits at most `waitMs` for a free connection (every one busy, or stalled), then fails
 * as unavailable: answered 503 with Retry-After, not left hanging.
 * Disconnecting the client ends the pool.
 */
export function createPostgresqlPrismaClient<T>(
  Client: new (options: PostgresqlPrismaClientOptions) => T,
  options: { connectionString: string; poolSize: number; waitMs?: number; idleInTransactionMs?: number; logger: Logger },
): T {
  const waitMs = options.waitMs ?? DEFAULT_DATABASE_WAIT_MS;
  const connectionString = sessionSettings(options.connectionString, options.idleInTransactionMs);
  const pool = new pg.Pool({ connectionString, max: options.poolSize, connectionTimeoutMillis: waitMs });
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    // An idle connection that the server closed (a restart, a terminated backend) is dropped from the pool.
    onPoolError: (err) => options.logger.warn({ err }, 'an idle database connection failed; it is replaced on demand'),
  });
  const client = new Client({ adapter, transactionOptions: { maxWait: waitMs, timeout: 15_000 }, errorFormat: MINIMAL_ERRORS });
  registerStatementDriver(client as object, postgresqlDriver(pool));
  return client;
}
