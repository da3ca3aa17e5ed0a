import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable.js';

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'a transaction that could not start in time (P2028)',
      { code: 'P2028', message: 'Transaction API error: Unable to start a transaction in the given time.' },
    ],
    ['no connection from the pool in time (P2024)', { code: 'P2024' }],
    ['an unreachable server (P1001)', { code: 'P1001' }],
    [
      'a driver adapter error of a closed connection',
      { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } } },
    ],
    [
      'the pool timing out, wrapped',
      { name: 'PrismaClientUnknownRequestError', cause: new Error('timeout exceeded when trying to connect') },
    ],
    ['a connection terminated under a query', new Error('Connection terminated unexpectedly')],
    ['a connection reset under a statement run on the driver', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a server name that does not resolve while it restarts', Object.assign(new Error('getaddrinfo ENOTFOUND db'), { code: 'ENOTFOUND' })],
    ['PostgreSQL refusing one client too many (53300)', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    [
      'PostgreSQL shutting down (57P01)',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
    ['a PostgreSQL connection failure (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
    [
      'an SQLite file locked past the busy timeout, from a statement run on the connection',
      { code: 'SQLITE_BUSY', message: 'database is locked' },
    ],
    [
      'a connection the server ended (idle in a transaction too long)',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
  ])('when %s, then it is unavailability (a 503)', (_case, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', { code: 'P2002' }],
    ['a unique violation from the PostgreSQL driver (23505)', { code: '23505', message: 'duplicate key value violates unique constraint' }],
    ['a check violation from the PostgreSQL driver (23514)', { code: '23514' }],
    ['a write conflict', { code: 'P2034' }],
    ['a bug', new TypeError('x is undefined')],
    ['nothing', undefined],
  ])('when %s, then it is not', (_case, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
