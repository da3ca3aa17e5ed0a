/** The databases a service runs on: an SQLite file (the default) or PostgreSQL. */
export type DatabaseKind = 'sqlite' | 'postgresql';

const POSTGRESQL_URL = /^postgres(ql)?:\/\//i;

/** `postgresql://…` or `postgres://…` is PostgreSQL; anything else (`file:…`, a path) is an SQLite file. */
export function databaseKind(databaseUrl: string): DatabaseKind {
  return POSTGRESQL_URL.test(databaseUrl) ? 'postgresql' : 'sqlite';
}
