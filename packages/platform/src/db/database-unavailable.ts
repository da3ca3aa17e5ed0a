/** Prisma's codes for a database that cannot be reached or gave no connection in time (P2028: a transaction that could not start, or expired). */
const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** The driver adapters' kinds of the same. */
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
]);
/**
 * The drivers' own codes for the same, on a statement run straight on them (runStatements): the
 * socket's (refused, reset, timed out, a name that does not resolve while the server restarts) and
 * PostgreSQL's SQLSTATEs of a connection lost or refused (class 08, too many clients, the server
 * shutting down or starting).
 */
const UNAVAILABLE_DRIVER_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);
/**
 * Whole families of the same: PostgreSQL's connection exceptions (class 08), and better-sqlite3's
 * file left locked by another process past the busy timeout (as the Prisma adapter maps it).
 */
const UNAVAILABLE_DRIVER_CODE = /^(08[0-9A-Z]{3}|SQLITE_BUSY.*)$/;
/**
 * node-postgres's own messages when the pool gives no connection in time, or one dies under a query
 * (the server ended it: a restart, or a transaction left idle past idle_in_transaction_session_timeout).
 */
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|not queryable|terminating connection/i;

/**
 * True when a query failed because the database could not be had, not because of the query: the
 * pool gave no connection in time (every connection busy, or stalled after the process or the
 * database was paused), the server could not be reached, or a transaction expired before its
 * commit. Nothing was done; the same request may well succeed a moment later (a 503, not a 500).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let current = err, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const { code, name, message, meta, cause, kind } = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      kind?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
      cause?: unknown;
    };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof code === 'string' && (UNAVAILABLE_DRIVER_CODES.has(code) || UNAVAILABLE_DRIVER_CODE.test(code))) return true;
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
    const adapterKind = meta?.driverAdapterError?.cause?.kind;
    if (typeof adapterKind === 'string' && UNAVAILABLE_KINDS.has(adapterKind)) return true;
    if (name === 'DriverAdapterError' && typeof message === 'string' && UNAVAILABLE_KINDS.has(message)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}
