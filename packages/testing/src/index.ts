export { buildWorkspace, isWorkspaceBuilt } from './build.js';
export { migratedDatabaseUrl } from './database-templates.js';
export { closeWhenFileEnds } from './file-resources.js';
export { gate } from './gate.js';
export { HOSTILE_RAW_BODIES, oversizedBody } from './hostile-bodies.js';
export { CONTROL_CHARACTERS, INVISIBLE_ONLY, UNPAIRED_SURROGATES, WELL_FORMED_TEXT } from './hostile-strings.js';
export { type Listening, listen } from './listen.js';
export { documentProblems, expressRoutes, type LintProblem, type LintResult, lintOpenApi, openApiRoutes } from './openapi.js';
export { undocumentedAnswers } from './openapi-probe.js';
export { describeOpenApiDocument, type OpenApiSuiteOptions } from './openapi-suite.js';
export {
  BoundQueue,
  brokerAnswers,
  canControlBroker,
  type EventStream,
  lockBroker,
  openEventStream,
  type ReceivedMessage,
  rabbitmqctl,
  type SseMessage,
  startTcpGate,
  type TcpGate,
  TEST_RABBITMQ_URL,
  uniqueBrokerName,
} from './order-events.js';
export { pauser } from './pausing.js';
export { createTestDatabase, databaseUrlOn } from './postgresql/temp-postgresql.js';
export { REPO_ROOT, type ServiceName, type ServiceProcess, startServiceProcess } from './process.js';
export {
  ExpositionError,
  labelValues,
  type MetricFamily,
  type MetricType,
  parsePrometheusText,
  type Sample,
  sampleSum,
} from './prometheus-text.js';
export { type ProxiedRequest, type ProxyFault, type ProxyRule, startProxy, type TcpProxy } from './proxy.js';
export { type RawRequestOptions, type RawResponse, rawRequest } from './raw-http.js';
export { type RoundRobin, startRoundRobin } from './round-robin.js';
export { type DatabaseShape, shapeFromDatabase, shapeFromPostgresql, shapeFromPrismaSchema } from './schema-check.js';
export { tempDatabaseUrl, tempDir, tempSqliteUrl, testDatabaseKind, testPostgresUrl } from './temp-db.js';
export { bearer, hostileAuthCases, hostileAuthHeaders, signRawToken, TEST_JWT_SECRET } from './tokens.js';
export { waitFor } from './wait-for.js';
