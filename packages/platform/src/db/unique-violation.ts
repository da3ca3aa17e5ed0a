/**
 * True when a Prisma write failed on a unique key, on either database: P2002 from a model query, or
 * P2010 (a raw query failed) whose driver error is a unique constraint violation, or the driver's
 * own error from a statement run straight on it (runStatements): better-sqlite3's code, or
 * PostgreSQL's SQLSTATE 23505. On PostgreSQL two
 * transactions can both find a row missing and both insert it; the database lets one win and fails
 * the other with this, which the loser reads as "it exists now".
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, meta } = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return (
    code === 'P2002' ||
    (code === 'P2010' && meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation') ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}
