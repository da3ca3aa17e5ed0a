import { randomUUID } from 'node:crypto';
import { bearer, hostileAuthHeaders, waitFor } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRetention } from '../src/events/event-retention.js';
import { moves } from '../src/orders/domain/order-state.js';
import { eventsRepository, OrderWriter } from './events-orders.js';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// GET /api/orders/events/ without a broker: every event, oldest first, a page at a time, over the
// real app and its own database.
const ADMIN = bearer('admin');
const SERVICE = bearer('service');
let t: TestOrderApp;
let write: OrderWriter;

beforeAll(async () => {
  t = await createTestOrderApp();
  write = new OrderWriter(t.deps.prisma);
});
afterAll(() => t?.deps.close());

interface EventJson {
  id: string;
  type: string;
  occurred_at: string;
  order_id: string;
  sequence: number;
  order: { id: string; status: string };
}

function nextLink(link: string | undefined): string {
  const match = /<([^>]+)>; rel="next"/.exec(link ?? '');
  if (!match?.[1]) throw new Error(`no next link in ${link}`);
  const url = new URL(match[1]);
  return `${url.pathname}${url.search}`;
}

/**
 * Every event from the start once `ready` says it holds what the test wrote. On PostgreSQL the feed
 * serves an event only once every transaction older than it has ended, anywhere on the server (the
 * other test files' too), so what was just written may come a moment later.
 */
const readAllOnce = (limit: number, ready: (events: EventJson[]) => boolean) =>
  waitFor(async () => {
    const events = await readAll(limit);
    return ready(events) && events;
  });

/** Every event from the start, following the Link rel="next" of each page until one is empty. */
async function readAll(limit: number, auth = ADMIN): Promise<EventJson[]> {
  const events: EventJson[] = [];
  let path = `/api/orders/events/?limit=${limit}`;
  for (let pages = 0; pages < 1000; pages++) {
    const res = await request(t.app).get(path).set('Authorization', auth);
    expect(res.status).toBe(200);
    const page = res.body as EventJson[];
    expect(page.length).toBeLessThanOrEqual(limit);
    events.push(...page);
    path = nextLink(res.headers.link);
    if (page.length === 0) return events;
  }
  throw new Error('too many pages');
}

describe('the order events feed', () => {
  it('when events are paged with a small limit, then each comes once, oldest first, every order in sequence', async () => {
    const orders = await Promise.all(Array.from({ length: 6 }, () => write.paid()));
    await write.deliver(await write.ship(orders[0]!));
    const isOurs = (event: EventJson) => orders.some((order) => order.id === event.order_id);

    const events = await readAllOnce(4, (all) => all.filter(isOurs).length >= 6 * 2 + 2);

    const ours = events.filter((event) => orders.some((order) => order.id === event.order_id));
    expect(ours).toHaveLength(6 * 2 + 2);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    for (const order of orders) {
      const sequences = ours.filter((event) => event.order_id === order.id).map((event) => event.sequence);
      expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    }
    expect(ours.filter((event) => event.order_id === orders[0]!.id).map((event) => event.type)).toEqual([
      'order.created',
      'order.paid',
      'order.shipped',
      'order.delivered',
    ]);
  });

  it('when the reader is at the end, then the page is empty and rel="next" asks again from the same event', async () => {
    const order0 = await write.pending();
    const events = await readAllOnce(100, (all) => all.some((event) => event.order_id === order0.id));
    const last = events.at(-1)!;

    const res = await request(t.app).get(`/api/orders/events?after=${last.id}&limit=10`).set('Authorization', SERVICE);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual([]);
    expect(nextLink(res.headers.link)).toBe(`/api/orders/events?after=${last.id}&limit=10`);
    // And what happens next is on the next page.
    const order = await write.pending();
    const more = await waitFor(async () => {
      const page = await request(t.app).get(nextLink(res.headers.link)).set('Authorization', SERVICE);
      return (page.body as EventJson[]).length > 0 && page;
    });
    expect((more.body as EventJson[]).map((event) => [event.type, event.order_id])).toEqual([['order.created', order.id]]);
  });

  it('when an event is read, then it has the documented fields and its order as GET returns it', async () => {
    const order = await write.paid();
    const events = await readAllOnce(100, (all) => all.some((event) => event.order_id === order.id && event.type === 'order.paid'));
    const paid = events.find((event) => event.order_id === order.id && event.type === 'order.paid');

    const get = await request(t.app).get(`/api/orders/${order.id}/`);

    expect(Object.keys(paid ?? {})).toEqual(['id', 'type', 'occurred_at', 'order_id', 'sequence', 'order']);
    expect(paid?.order).toEqual(get.body);
  });

  it('when the caller is not an admin or a service, then 401 or 403 with the error JSON', async () => {
    const none = await request(t.app).get('/api/orders/events/');
    const customer = await request(t.app).get('/api/orders/events/').set('Authorization', bearer('customer', 'alice'));

    expect([none.status, none.body.code]).toEqual([401, 'unauthorized']);
    expect([customer.status, customer.body.code]).toEqual([403, 'forbidden']);
    for (const [what, header] of Object.entries(hostileAuthHeaders('admin'))) {
      const res = await request(t.app).get('/api/orders/events/').set('Authorization', header);
      expect([what, res.status, res.body.code]).toEqual([what, 401, 'unauthorized']);
    }
  });

  it('when limit or after is not valid, then 400 validation_failed naming it', async () => {
    for (const limit of ['0', '101', '-1', '1.5', 'abc', '1e2', '99999999999', '%00']) {
      const res = await request(t.app).get(`/api/orders/events/?limit=${limit}`).set('Authorization', ADMIN);
      expect([limit, res.status, res.body.code, Object.keys(res.body.details ?? {})]).toEqual([limit, 400, 'validation_failed', ['limit']]);
    }
    for (const after of ['nope', '1', `${randomUUID()}x`, "' OR 1=1 --", 'x'.repeat(5000)]) {
      const res = await request(t.app)
        .get(`/api/orders/events/?after=${encodeURIComponent(after)}`)
        .set('Authorization', ADMIN);
      expect([res.status, res.body.code, Object.keys(res.body.details ?? {})]).toEqual([400, 'validation_failed', ['after']]);
    }
  });

  it('when after is a well-formed id of no event, then 400 invalid_cursor', async () => {
    const res = await request(t.app).get(`/api/orders/events/?after=${randomUUID()}`).set('Authorization', ADMIN);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.stringContaining('no event'), code: 'invalid_cursor' });
  });

  it('when a parameter is unknown or repeated, then 400; another method, then 405 with Allow', async () => {
    const unknown = await request(t.app).get('/api/orders/events/?since=1').set('Authorization', ADMIN);
    const repeated = await request(t.app).get('/api/orders/events/?limit=1&limit=2').set('Authorization', ADMIN);
    const post = await request(t.app).post('/api/orders/events/').set('Authorization', ADMIN).send({});

    expect([unknown.status, unknown.body.details]).toEqual([400, { since: ['is not a query parameter of this route'] }]);
    expect([repeated.status, repeated.body.details]).toEqual([400, { limit: ['must be given once'] }]);
    expect([post.status, post.body.code, post.headers.allow]).toEqual([405, 'method_not_allowed', 'GET, HEAD, OPTIONS']);
  });

  it('when an order is read at /api/orders/{id}/, then the events route does not take it (and the other way round)', async () => {
    const order = await write.pending();

    const got = await request(t.app).get(`/api/orders/${order.id}`);
    const feed = await request(t.app).get('/api/orders/events');

    expect(got.status).toBe(200);
    expect([feed.status, feed.body.code]).toEqual([401, 'unauthorized']);
  });

  it('when /metrics is scraped, then it shows the outbox backlog, its oldest age and publishes by outcome', async () => {
    await write.pending();

    const res = await request(t.app).get('/metrics');

    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.text)?.[1]);
    expect(value('order_events_backlog')).toBeGreaterThan(0);
    expect(value('order_events_oldest_unpublished_age_seconds')).toBeGreaterThanOrEqual(0);
    const outcomes = Array.from(res.text.matchAll(/^order_events_published_total\{outcome="(\w+)"\} 0$/gm), (m) => m[1]);
    expect(outcomes.sort()).toEqual(['confirmed', 'nacked', 'unconfirmed']);
  });
});

describe('the retention of order events', () => {
  it('when events are older than the retention, then they are pruned, but never the last event of an order', async () => {
    const a = await write.deliver(await write.ship(await write.paid()));
    const b = await write.pending();
    const repository = await eventsRepository(t.deps.prisma);
    // Published ones only, as with a broker: nothing here was published.
    const withBroker = new EventRetention(repository, t.deps.logger, { retentionDays: 30, intervalMs: 60_000, unpublishedToo: false });
    const without = new EventRetention(repository, t.deps.logger, { retentionDays: 30, intervalMs: 60_000, unpublishedToo: true });
    const later = new Date(Date.now() + 31 * 86_400_000);

    expect(await withBroker.prune(later)).toBe(0);
    expect(await without.prune(new Date())).toBe(0);
    await without.prune(later);

    const left = await repository.after(
      new Map([
        [a.id, 0],
        [b.id, 0],
      ]),
    );
    expect(left.map((event) => [event.orderId, event.type, event.sequence])).toEqual(
      [
        [a.id, 'order.delivered', 4],
        [b.id, 'order.created', 1],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    // The next event of an order goes on from its last number.
    await write.pending();
    const cancelled = await write.apply(b, moves.cancelled(b, { code: 'order_cancelled', message: 'Cancelled by admin' }, 'admin-1'));
    expect(cancelled.status).toBe('CANCELLED');
    expect((await repository.after(new Map([[b.id, 1]]))).map((event) => event.sequence)).toEqual([2]);
  });
});
