import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, type EventStream, hostileAuthHeaders, type Listening, listen, openEventStream, waitFor } from '@order-system/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrderWriter } from './events-orders.js';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// GET /api/orders/{id}/events/stream: an order's live status as Server-Sent Events, over the real
// app listening on a port, fed from its database.
let t: TestOrderApp;
let server: Listening;
let write: OrderWriter;
const open: EventStream[] = [];

beforeAll(async () => {
  t = await createTestOrderApp({ ORDER_EVENTS_HEARTBEAT_MS: '300' });
  server = await listen(t.app);
  write = new OrderWriter(t.deps.prisma);
});
afterEach(() => {
  for (const stream of open.splice(0)) stream.close();
});
afterAll(async () => {
  await server?.close();
  await t?.deps.close();
});

async function stream(orderId: string, headers: Record<string, string> = {}, base = server.url): Promise<EventStream> {
  const opened = await openEventStream(`${base}/api/orders/${orderId}/events/stream`, headers);
  open.push(opened);
  return opened;
}

/** The next message that is not a heartbeat. */
async function nextEvent(s: EventStream, timeoutMs = 3000): Promise<{ id?: string; event?: string; data: Record<string, unknown> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await s.next(Math.max(1, deadline - Date.now()));
    if (message.heartbeat) continue;
    return { id: message.id, event: message.event, data: JSON.parse(message.data ?? 'null') as Record<string, unknown> };
  }
}

describe('the live status of an order', () => {
  it('when a stream opens, then the order as it is comes at once, then each change as it commits', async () => {
    const order = await write.paid();
    const s = await stream(order.id);

    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toContain('no-cache');
    expect(s.headers.get('x-request-id')).toBeTruthy();
    const state = await nextEvent(s);
    expect(state).toMatchObject({ id: '2', event: 'order.state', data: { type: 'order.state', order_id: order.id, sequence: 2 } });
    expect((state.data.order as { status: string }).status).toBe('PAID');

    const started = Date.now();
    await write.ship(order);
    const shipped = await nextEvent(s);

    expect(Date.now() - started).toBeLessThan(1000);
    expect(shipped).toMatchObject({ id: '3', event: 'order.shipped', data: { type: 'order.shipped', sequence: 3, order_id: order.id } });
    expect((shipped.data.order as { status: string }).status).toBe('SHIPPED');
  });

  it('when a client comes back with Last-Event-ID, then it gets every event after it, and nothing before', async () => {
    const order = await write.deliver(await write.ship(await write.paid()));

    const bySequence = await stream(order.id, { 'Last-Event-ID': '1' });
    const types = [(await nextEvent(bySequence)).event, (await nextEvent(bySequence)).event, (await nextEvent(bySequence)).event];
    expect(types).toEqual(['order.paid', 'order.shipped', 'order.delivered']);

    const paid = await nextEvent(await stream(order.id, { 'Last-Event-ID': '1' }));
    const byEventId = await stream(order.id, { 'Last-Event-ID': String(paid.data.id) });
    expect((await nextEvent(byEventId)).event).toBe('order.shipped');

    // At the end already: nothing is replayed, and the next change comes.
    const caughtUp = await stream(order.id, { 'Last-Event-ID': '4' });
    const next = await write.pending();
    expect(next.id).not.toBe(order.id);
    await expect(nextEvent(caughtUp, 800)).rejects.toThrow(/no message/);
  });

  it('when a stream stays open, then heartbeats keep coming', async () => {
    const order = await write.pending();
    const s = await stream(order.id);
    await nextEvent(s);

    expect(await s.next(2000)).toEqual({ heartbeat: true });
  });

  it('when Last-Event-ID names no event of this order, then 400 validation_failed before any stream', async () => {
    const order = await write.paid();
    const other = await write.paid();
    const otherEvent = await nextEvent(await stream(other.id, { 'Last-Event-ID': '0' }));

    for (const value of ['3', '-1', 'abc', '1.5', randomUUID(), String(otherEvent.data.id), '9'.repeat(40)]) {
      const s = await stream(order.id, { 'Last-Event-ID': value });
      expect([value, s.status, (s.body as { code: string }).code]).toEqual([value, 400, 'validation_failed']);
      expect(Object.keys((s.body as { details: object }).details)).toEqual(['Last-Event-ID']);
    }
  });

  it('when the order belongs to a customer, then only that customer or an admin may follow it', async () => {
    const order = await write.paid('alice');

    const statuses = async (headers: Record<string, string>) => (await stream(order.id, headers)).status;
    expect(await statuses({})).toBe(404);
    expect(await statuses({ Authorization: bearer('customer', 'bob') })).toBe(404);
    expect(await statuses({ Authorization: bearer('service') })).toBe(404);
    expect(await statuses({ Authorization: bearer('customer', 'alice') })).toBe(200);
    expect(await statuses({ Authorization: bearer('admin') })).toBe(200);
    for (const [what, header] of Object.entries(hostileAuthHeaders('admin'))) {
      const s = await stream(order.id, { Authorization: header });
      expect([what, s.status, (s.body as { code: string }).code]).toEqual([what, 401, 'unauthorized']);
    }
  });

  it('when the id is malformed or unknown, or a query is added, then the documented error JSON', async () => {
    const unknown = await stream(randomUUID());
    const malformed = await stream('not-a-uuid');
    const query = await openEventStream(`${server.url}/api/orders/${(await write.pending()).id}/events/stream?since=1`);
    const post = await fetch(`${server.url}/api/orders/${randomUUID()}/events/stream`, { method: 'POST' });

    expect([unknown.status, (unknown.body as { code: string }).code]).toEqual([404, 'not_found']);
    expect([malformed.status, (malformed.body as { code: string }).code]).toEqual([404, 'not_found']);
    expect([query.status, (query.body as { code: string }).code]).toEqual([400, 'validation_failed']);
    expect([post.status, ((await post.json()) as { code: string }).code]).toEqual([405, 'method_not_allowed']);
  });

  it('when the last stream closes, then the poller stops: nothing runs for streams when nobody listens', async () => {
    const order = await write.pending();
    const s = await stream(order.id);
    await nextEvent(s);
    expect(t.deps.streams.polling).toBe(true);

    s.close();

    await waitFor(() => t.deps.streams.size === 0 && !t.deps.streams.polling, 3000);
  });
});

describe('streams at shutdown', () => {
  it('when the server stops listening, then its open streams end, so that it can close at once', async () => {
    const own = await createTestOrderApp();
    const writer = new OrderWriter(own.deps.prisma);
    const order = await writer.pending();
    const http = createServer(own.app);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const s = await stream(order.id, {}, base);
    await nextEvent(s);

    const started = Date.now();
    await new Promise<void>((resolve) => http.close(() => resolve()));

    expect(Date.now() - started).toBeLessThan(2000);
    await s.ended;
    await own.deps.close();
  });

  it('when the dependencies close, then open streams end at once and the close is quick', async () => {
    const own = await createTestOrderApp();
    const writer = new OrderWriter(own.deps.prisma);
    const order = await writer.pending();
    const ownServer = await listen(own.app);
    const s = await stream(order.id, {}, ownServer.url);
    await nextEvent(s);

    const started = Date.now();
    await own.deps.close();

    await s.ended;
    expect(Date.now() - started).toBeLessThan(2000);
    await ownServer.close();
  });
});
