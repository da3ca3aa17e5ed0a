export { authenticate, requireRole } from './auth/middleware.js';
export {
  ACCESS_TOKEN_TTL_SECONDS,
  CLOCK_SKEW_SECONDS,
  type Claims,
  createTokenService,
  DEFAULT_MAX_TOKEN_TTL_SECONDS,
  REFRESH_TOKEN_TTL_SECONDS,
  ROLES,
  type Role,
  SERVICE_TOKEN_TTL_SECONDS,
  type TokenService,
  type TokenServiceOptions,
  type TokenType,
} from './auth/tokens.js';
export { baseConfigSchema, ConfigError, databaseFileFromUrl, EXAMPLE_JWT_SECRET, loadConfig, portSchema } from './config.js';
export type { ClientFits } from './db/client-fit.js';
export { isDatabaseUnavailable } from './db/database-unavailable.js';
export { type DatabaseKind, databaseKind } from './db/database-url.js';
export { applyMigrations, listMigrations, MigrationError, type MigrationResult } from './db/migrate.js';
export { applyPostgresqlMigrations } from './db/migrate-postgresql.js';
export { checkDatabase, type OpenedDatabase, openDatabase, type ServiceDatabase } from './db/open-database.js';
export { createSqlitePrismaClient } from './db/prisma-client.js';
export { SerializedSqliteAdapterFactory } from './db/prisma-sqlite.js';
export { serviceDatabase } from './db/service-database.js';
export {
  runStatements,
  type SqlStatement,
  type TransactionOutcome,
  type TransactionStep,
} from './db/statement-transaction.js';
export { isUniqueViolation } from './db/unique-violation.js';
export { isWriteConflict } from './db/write-conflict.js';
export * from './errors.js';
export type { ReadinessReport } from './http/common-routes.js';
export { createServiceApp, type ServiceApi, type ServiceAppOptions } from './http/create-app.js';
export { databaseUnavailable, errorHandler, toAppError } from './http/error-handler.js';
export { assertIntegerLiterals, keysWithNonIntegerLiterals } from './http/integer-literals.js';
export { type Counter, ServiceMetrics } from './http/metrics.js';
export { exampleProblems } from './http/openapi-document.js';
export { type Pagination, paginationQuery, setPaginationHeaders } from './http/pagination.js';
export {
  type AttemptLimit,
  type AttemptLimiter,
  clientAddress,
  createAttemptLimiter,
  rateLimited,
} from './http/rate-limit.js';
export type { RequestContext } from './http/request-context.js';
export { REQUEST_ID_HEADER, requestIdFrom } from './http/request-id.js';
export {
  type Access,
  type AnyRouteSpec,
  type BodySpec,
  type ExampleSpec,
  type HeaderName,
  type HeaderParam,
  type HttpMethod,
  invalidBody,
  type PathParam,
  type ResponseSpec,
  type RouteInput,
  type RouteSpec,
  route,
  type SchemaRef,
} from './http/route-spec.js';
export { parseOrThrow, zodDetails } from './http/validate.js';
export { createHttpServer } from './lifecycle/http-server.js';
export { runMain } from './lifecycle/run-main.js';
export { serve } from './lifecycle/serve.js';
export { type ServiceDefinition, startService } from './lifecycle/start-service.js';
export { createLogger, type Logger } from './logger.js';
export { formatCents, MAX_AMOUNT_CENTS, moneyCents, parseMoney, positiveMoneyCents } from './money.js';
export { Mutex } from './mutex.js';
export { isBlank, type TextOptions, text, wellFormed } from './text.js';
