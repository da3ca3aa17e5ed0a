// A setup file of every test file: in the PostgreSQL project, drops the databases the file created.
import { afterAll } from 'vitest';
import { dropTestDatabases } from '../postgresql/temp-postgresql.js';
import { testDatabaseKind, testPostgresUrl } from '../temp-db.js';

if (testDatabaseKind() === 'postgresql') {
  // Registered before the file's own hooks, so it runs after them, once its services have stopped.
  afterAll(() => dropTestDatabases(testPostgresUrl()));
}
