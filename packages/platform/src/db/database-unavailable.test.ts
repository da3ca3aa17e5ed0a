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
    ['a write conflict', { code: 'P2034' }],
    ['a bug', new TypeError('x is undefined')],
    ['nothing', undefined],
  ])('when %s, then it is not', (_case, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
