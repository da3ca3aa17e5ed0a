import { SerializedSqliteAdapterFactory } from './prisma-sqlite.js';

export interface PrismaClientOptions {
  adapter: SerializedSqliteAdapterFactory;
  transactionOptions: { maxWait: number; timeout: number };
  errorFormat: 'minimal';
}

/**
 * Builds a service's generated PrismaClient over the serialized SQLite adapter. Every query
 * waits its turn behind the one lock, so transactions may wait long for their start under
 * load; the limits below are wide for that reason, not because transactions run long.
 */
export function createSqlitePrismaClient<T>(Client: new (options: PrismaClientOptions) => T, databaseFile: string): T {
  return new Client({
    adapter: new SerializedSqliteAdapterFactory(databaseFile),
    transactionOptions: { maxWait: 60_000, timeout: 30_000 },
    // Any other format records the call site (a new Error and its stack) on every query, for error
    // messages that point at the caller's line; ours reach the logs with their own stack anyway.
    errorFormat: 'minimal',
  });
}
