/**
 * True when PostgreSQL refused a serializable transaction because a concurrent one conflicted with
 * it (40001): Prisma reports it as P2034 when a statement fails, and as the driver adapter's
 * TransactionWriteConflict when the COMMIT does. The transaction did nothing; the winner's writes stand.
 */
export function isWriteConflict(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, name, message } = err as { code?: unknown; name?: unknown; message?: unknown };
  return code === 'P2034' || (name === 'DriverAdapterError' && message === 'TransactionWriteConflict');
}
