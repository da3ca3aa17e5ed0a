export { HOSTILE_RAW_BODIES, oversizedBody } from './hostile-bodies.js';
export { type Listening, listen } from './listen.js';
export { createTestDatabase, databaseUrlOn } from './postgresql/temp-postgresql.js';
export { REPO_ROOT, type ServiceName, type ServiceProcess, startServiceProcess } from './process.js';
export { type ProxiedRequest, type ProxyFault, type ProxyRule, startProxy, type TcpProxy } from './proxy.js';
export { type RoundRobin, startRoundRobin } from './round-robin.js';
export { tempDatabaseUrl, tempDir, tempSqliteUrl, testDatabaseKind, testPostgresUrl } from './temp-db.js';
export { bearer, hostileAuthHeaders, TEST_JWT_SECRET } from './tokens.js';
export { waitFor } from './wait-for.js';
