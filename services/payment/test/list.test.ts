import { hostileAuthHeaders } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, createTestPaymentApp, newOrderId, SERVICE, type TestPaymentApp } from './payment-app.js';

// GET /api/payments/: the listing services and admins reconcile with. One database for the file, so
// every test names its own orders (order_ids) or its own time window.
let t: TestPaymentApp;
beforeAll(async () => {
  t = await createTestPaymentApp();
});
afterAll(() => t.close());

const list = (query: string, auth = SERVICE) => request(t.app).get(`/api/payments/?${query}`).set('Authorization', auth);
const orderIdsOf = (body: { order_id: string }[]) => body.map((payment) => payment.order_id);

/** Orders with a payment each: COMPLETED, FAILED, REFUNDED, VOIDED, COMPLETED. */
async function paymentsOfEveryStatus(): Promise<string[]> {
  const orders = Array.from({ length: 5 }, newOrderId);
  const [completed, failed, refunded, voided, completedToo] = orders as [string, string, string, string, string];
  await t.charge({ order_id: completed, amount: '10.00' }).expect(201);
  await t.charge({ order_id: failed, amount: '0' }).expect(201);
  await t.charge({ order_id: refunded, amount: '12.00' }).expect(201);
  await t.refund(refunded).expect(200);
  await t.void(voided).expect(200);
  await t.charge({ order_id: completedToo, amount: '13.00' }).expect(201);
  return orders;
}

/** The orders' payments as the listing must order them: updated_at, then id. */
async function inListOrder(orderIds: string[]): Promise<string[]> {
  const rows = await t.deps.prisma.payment.findMany({ where: { orderId: { in: orderIds } } });
  rows.sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return rows.map((row) => row.orderId);
}

describe('GET /api/payments/', () => {
  it('when order_ids are given, then their payments come back oldest update first, unknown orders left out', async () => {
    const orders = await paymentsOfEveryStatus();

    const res = await list(`order_ids=${[...orders, newOrderId()].join(',')}`);

    expect(res.status).toBe(200);
    expect(orderIdsOf(res.body)).toEqual(await inListOrder(orders));
    expect(res.headers['x-total-count']).toBe('5');
    const refunded = res.body.find((p: { order_id: string }) => p.order_id === orders[2]);
    expect(refunded).toEqual({
      id: expect.any(String),
      order_id: orders[2],
      amount: '12.00',
      status: 'REFUNDED',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      refunded_at: expect.any(String),
    });
  });

  it.each([
    ['COMPLETED', [0, 4]],
    ['FAILED', [1]],
    ['REFUNDED', [2]],
    ['VOIDED', [3]],
  ])('when status=%s is asked for, then only those payments come back', async (status, indexes) => {
    const orders = await paymentsOfEveryStatus();
    const wanted = indexes.map((i) => orders[i] as string);

    const res = await list(`order_ids=${orders.join(',')}&status=${status}`);

    expect(res.status).toBe(200);
    expect(orderIdsOf(res.body)).toEqual(await inListOrder(wanted));
    expect(res.body.every((p: { status: string }) => p.status === status)).toBe(true);
    expect(res.headers['x-total-count']).toBe(String(wanted.length));
  });

  it('when updated_after is a payment update time, then only payments updated strictly after it come back', async () => {
    const orders = await paymentsOfEveryStatus();
    const rows = await t.deps.prisma.payment.findMany({
      where: { orderId: { in: orders } },
      orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
    });
    const pivot = rows[2]?.updatedAt as Date;
    const expected = rows.filter((row) => row.updatedAt > pivot).map((row) => row.orderId);

    const exact = await list(`order_ids=${orders.join(',')}&updated_after=${pivot.toISOString()}`);
    const earlier = await list(`order_ids=${orders.join(',')}&updated_after=${new Date(pivot.getTime() - 1).toISOString()}`);

    expect(exact.status).toBe(200);
    expect(orderIdsOf(exact.body)).toEqual(expected);
    expect(orderIdsOf(earlier.body)).toEqual(rows.filter((row) => row.updatedAt >= pivot).map((row) => row.orderId));
  });

  it('when updated_after has an offset, then it is the same instant', async () => {
    const orders = await paymentsOfEveryStatus();
    const rows = await t.deps.prisma.payment.findMany({ where: { orderId: { in: orders } } });
    const first = new Date(Math.min(...rows.map((row) => row.updatedAt.getTime())) - 1);
    // The same instant, written in UTC+02:00 (the + percent-encoded, as in any URL).
    const local = new Date(first.getTime() + 2 * 3_600_000).toISOString().replace('Z', '%2B02:00');

    const res = await list(`order_ids=${orders.join(',')}&updated_after=${local}`);

    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(5);
  });

  it('when the reconciliation asks for the COMPLETED payments updated after a time, then the listing answers exactly those', async () => {
    const since = new Date(Date.now() - 1);
    const orders = await paymentsOfEveryStatus();

    const res = await list(`status=COMPLETED&updated_after=${since.toISOString()}`);

    expect(res.status).toBe(200);
    const ours = orderIdsOf(res.body).filter((id) => orders.includes(id));
    expect(ours).toEqual(await inListOrder([orders[0] as string, orders[4] as string]));
  });

  it('when a page is asked for, then limit and offset cut it, X-Total-Count counts every match, and Link keeps the filters', async () => {
    const orders = await paymentsOfEveryStatus();
    const ordered = await inListOrder(orders);

    const res = await list(`order_ids=${orders.join(',')}&limit=2&offset=2`);

    expect(res.status).toBe(200);
    expect(orderIdsOf(res.body)).toEqual(ordered.slice(2, 4));
    expect(res.headers['x-total-count']).toBe('5');
    const filter = `order_ids=${encodeURIComponent(orders.join(','))}`;
    expect(res.headers.link).toContain(`?${filter}&limit=2&offset=4>; rel="next"`);
    expect(res.headers.link).toContain(`?${filter}&limit=2&offset=0>; rel="prev"`);
    expect(res.headers.link).toContain(`?${filter}&limit=2&offset=4>; rel="last"`);
  });

  it('when the order ids are in capitals or repeated, then they match the stored payments once', async () => {
    const orders = await paymentsOfEveryStatus();
    const [first] = orders as [string];

    const res = await list(`order_ids=${first.toUpperCase()},${first}`);

    expect(res.status).toBe(200);
    expect(orderIdsOf(res.body)).toEqual([first]);
  });

  it('when 100 order ids are listed, then they are accepted', async () => {
    const orders = await paymentsOfEveryStatus();
    const hundred = [...orders, ...Array.from({ length: 95 }, newOrderId)];

    const res = await list(`order_ids=${hundred.join(',')}`);

    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(5);
  });

  it('when no filter is given, then every payment is listed, 100 per page by default', async () => {
    await paymentsOfEveryStatus();

    const res = await list('');

    expect(res.status).toBe(200);
    expect(res.body.length).toBe(Math.min(100, Number(res.headers['x-total-count'])));
    expect(Number(res.headers['x-total-count'])).toBe(await t.deps.prisma.payment.count());
  });

  it('when an admin lists, then it is allowed like a service', async () => {
    expect((await list('limit=1', ADMIN)).status).toBe(200);
  });
});

describe('GET /api/payments/ refuses what it does not understand', () => {
  const uuids = (n: number) => Array.from({ length: n }, newOrderId).join(',');
  it.each([
    ['order_ids empty', 'order_ids=', 'order_ids', 'must list at least one order id'],
    ['order_ids not uuids', 'order_ids=1,2', 'order_ids', 'must be UUIDs separated by commas'],
    ['order_ids with a space', `order_ids=${newOrderId()},%20${newOrderId()}`, 'order_ids', 'must be UUIDs separated by commas'],
    ['order_ids with a trailing comma', `order_ids=${newOrderId()},`, 'order_ids', 'must be UUIDs separated by commas'],
    ['order_ids with a path', 'order_ids=../../etc/passwd', 'order_ids', 'must be UUIDs separated by commas'],
    ['101 order ids', `order_ids=${uuids(101)}`, 'order_ids', 'must list at most 100 order ids'],
    ['a huge order_ids', `order_ids=${','.repeat(5000)}`, 'order_ids', 'must list at most 100 order ids'],
    ['a lower-case status', 'status=completed', 'status', 'must be one of COMPLETED, FAILED, REFUNDED, VOIDED'],
    ['an unknown status', 'status=PENDING', 'status', 'must be one of COMPLETED, FAILED, REFUNDED, VOIDED'],
    ['updated_after a word', 'updated_after=yesterday', 'updated_after', expect.stringContaining('must be an ISO-8601 date-time')],
    ['updated_after without a time zone', 'updated_after=2026-12-01T10:00:00', 'updated_after', expect.stringContaining('ISO-8601')],
    ['updated_after a date only', 'updated_after=2026-12-01', 'updated_after', expect.stringContaining('ISO-8601')],
    ['updated_after on February 30', 'updated_after=2026-02-30T00:00:00Z', 'updated_after', expect.stringContaining('ISO-8601')],
    ['updated_after a number', 'updated_after=1764583200', 'updated_after', expect.stringContaining('ISO-8601')],
    ['updated_after with + not encoded', 'updated_after=2026-12-01T10:00:00+02:00', 'updated_after', expect.stringContaining('ISO-8601')],
    ['limit 0', 'limit=0', 'limit', expect.any(String)],
    ['limit 101', 'limit=101', 'limit', expect.any(String)],
    ['a negative offset', 'offset=-1', 'offset', expect.any(String)],
    ['an unknown parameter', 'stauts=COMPLETED', 'stauts', 'is not a query parameter of this route'],
    ['a repeated status', 'status=FAILED&status=VOIDED', 'status', 'must be given once'],
  ])('when the query has %s, then 400 validation_failed naming it', async (_case, query, field, message) => {
    const res = await list(query);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', details: { [field]: [message] } });
  });
});

describe('only a service or an admin may list payments', () => {
  it('when there is no token, then 401 with WWW-Authenticate', async () => {
    const res = await request(t.app).get('/api/payments/');

    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('when a customer asks, then 403, whatever the query', async () => {
    expect((await list('', CUSTOMER)).status).toBe(403);
    expect((await list('stauts=x', CUSTOMER)).status).toBe(403);
  });

  it.each(Object.entries(hostileAuthHeaders('service')))('when the token is %s, then 401', async (_case, header) => {
    const res = await list('', header);

    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
  });
});
