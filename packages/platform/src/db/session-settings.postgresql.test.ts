import { setTimeout as sleep } from 'node:timers/promises';
import { tempDatabaseUrl } from '@order-system/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sessionSettings } from './prisma-client.js';

// What every pooled PostgreSQL session of a service runs with.
describe('PostgreSQL session settings', () => {
  it('when a session is opened, then it is in UTC and ends a transaction left idle', async () => {
    const client = new pg.Client({ connectionString: sessionSettings(tempDatabaseUrl('session'), 300) });
    const ended = new Promise<Error>((resolve) => client.on('error', resolve));
    await client.connect();
    try {
      expect((await client.query('SHOW TimeZone')).rows[0].TimeZone).toBe('UTC');
      await client.query('BEGIN');
      await client.query('SELECT 1');
      // A process that stalls inside a transaction: the server ends the session, and its locks with it.
      await sleep(900);
      const err = await Promise.race([
        ended,
        client.query('SELECT 1').then(
          () => null,
          (e: Error) => e,
        ),
      ]);
      expect(String(err)).toMatch(/idle-in-transaction timeout|Connection terminated/);
    } finally {
      await client.end().catch(() => undefined);
    }
  });

  it('when the URL has options of its own, then they are kept, ours after them', () => {
    const url = new URL(sessionSettings('postgresql://u@h:5432/db?options=-c%20search_path%3Dshop', 1000));
    expect(url.searchParams.get('options')).toBe('-c search_path=shop -c TimeZone=UTC -c idle_in_transaction_session_timeout=1000');
  });
});
