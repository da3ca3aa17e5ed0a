/**
 * True when a Prisma write failed on a unique key (P2002), on either database. On PostgreSQL two
 * transactions can both find a row missing and both insert it; the database lets one win and fails
 * the other with this, which the loser reads as "it exists now".
 */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
