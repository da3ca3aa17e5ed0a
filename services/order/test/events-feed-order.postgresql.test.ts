import { randomUUID } from 'node:crypto';
import { bearer, waitFor } from '@order-system/testing';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventIds } from '../src/events/event-ids.js';
import { insertOrderEvent } from '../src/events/order-events.repository.js';
import { OrderWriter } from './events-orders.js';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// The trap of an events feed on PostgreSQL: positions come from a sequence, and transactions on
// different connections commit in any order, so a reader paging "after the last event I read" could
// read position 2 while position 1 is still uncommitted, and never see 1. The feed serves rows in
// (transaction id, position) order, only those of transactions older than every one still running.
const ADMIN = bearer('admin');
let t: TestOrderApp;
const clients: pg.Client[] = [];

beforeAll(async () => {
  t = await createTestOrderApp({ DATABASE_POOL_SIZE: '10' });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  await t?.deps.close();
});

async function connection(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: t.databaseUrl });
  await client.connect();
  clients.push(client);
  return client;
}

/** Writes one event as the outbox does, on this connection (inside whatever transaction it has open); its id. */
async function writeEvent(client: pg.Client): Promise<string> {
  const sql = insertOrderEvent({ orderId: randomUUID(), type: 'order.created', occurredAt: new Date(), payload: '{"order":{}}' });
  const { rows } = await client.query(`${sql.text} RETURNING "position"`, sql.values as unknown[]);
  const { rows: prefix } = await client.query('SELECT "prefix" FROM "order_event_id_prefix"');
  return new EventIds(prefix[0].prefix).id(rows[0].position);
}

async function feed(after?: string): Promise<string[]> {
  const res = await request(t.app)
    .get(`/api/orders/events/?limit=100${after ? `&after=${after}` : ''}`)
    .set('Authorization', ADMIN);
  expect(res.status).toBe(200);
  return (res.body as { id: string }[]).map((event) => event.id);
}

describe('the events feed on PostgreSQL', () => {
  it('when a later position commits while an earlier one is still open, then neither is served until both are', async () => {
    const [early, late] = [await connection(), await connection()];
    const start = await feed();
    const cursor = start.at(-1);

    await early.query('BEGIN');
    const first = await writeEvent(early);
    await late.query('BEGIN');
    const second = await writeEvent(late);
    await late.query('COMMIT');

    // The second event is committed, but the first (with the lower position) may still commit.
    expect(await feed(cursor)).not.toContain(second);
    await early.query('COMMIT');

    const page = await waitFor(async () => {
      const ids = await feed(cursor);
      return ids.includes(first) && ids.includes(second) ? ids : undefined;
    });
    expect(page.indexOf(first)).toBeLessThan(page.indexOf(second));
  });

  it('when writers commit in every order while a reader polls, then the reader gets every event once', async () => {
    const write = new OrderWriter(t.deps.prisma);
    const slow = await Promise.all([1, 2, 3, 4].map(() => connection()));
    const written = new Set<string>();
    let writing = true;

    // Transactions that stay open a random while after their insert: their positions commit late.
    const slowWriters = slow.map(async (client) => {
      while (writing) {
        await client.query('BEGIN');
        const id = await writeEvent(client);
        await client.query('SELECT pg_sleep($1)', [Math.random() * 0.03]);
        await client.query('COMMIT');
        written.add(id);
      }
    });
    // And the app's own writes, on its pool.
    const appWriters = [1, 2, 3].map(async () => {
      for (let i = 0; i < 15; i++) await write.paid();
    });

    const seen: string[] = [];
    let cursor: string | undefined;
    const reader = (async () => {
      while (writing) {
        const ids = await feed(cursor);
        seen.push(...ids);
        cursor = ids.at(-1) ?? cursor;
      }
    })();
    await Promise.all(appWriters);
    writing = false;
    await Promise.all([...slowWriters, reader]);
    // Drain: whatever committed last.
    await waitFor(async () => {
      const ids = await feed(cursor);
      seen.push(...ids);
      cursor = ids.at(-1) ?? cursor;
      return ids.length === 0 && [...written].every((id) => seen.includes(id));
    }, 20_000);

    const all = await t.deps.prisma.$queryRaw<{ n: number }[]>`SELECT CAST(COUNT(*) AS INTEGER) AS "n" FROM "order_events"`;
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(Number(all[0]?.n));
    expect(written.size).toBeGreaterThan(10);
  }, 60_000);
});
