import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// The general per-client limit: off by default (a benchmark of orders trips nothing), and when
// RATE_LIMIT_PER_MINUTE is set, every route but health, readiness and metrics is limited.
let limited: TestOrderApp;
let open: TestOrderApp;
beforeAll(async () => {
  // Every order fails at once (no product service, no retry): what is counted is the requests.
  const noRetry = { PRODUCT_RETRIES: '0' };
  [limited, open] = await Promise.all([createTestOrderApp({ ...noRetry, RATE_LIMIT_PER_MINUTE: '5' }), createTestOrderApp(noRetry)]);
});
afterAll(async () => {
  await Promise.all([limited.deps.close(), open.deps.close()]);
});

const place = (app: TestOrderApp['app']) =>
  request(app)
    .post('/api/orders/')
    .send({ customer_name: 'Bench', product_ids: [1] });

describe('RATE_LIMIT_PER_MINUTE', () => {
  it('when it is not set, then 300 orders from one client are all answered, none 429', async () => {
    const statuses = new Set<number>();
    // Ten at a time: well within a minute, whatever the database.
    for (let batch = 0; batch < 30; batch++) {
      for (const res of await Promise.all(Array.from({ length: 10 }, () => place(open.app)))) statuses.add(res.status);
    }

    expect([...statuses]).toEqual([503]);
  }, 60_000);

  it('when it is 5, then the 6th request of a minute is 429 rate_limited with Retry-After, and health checks go on', async () => {
    for (let i = 0; i < 5; i++) expect((await place(limited.app)).status).toBe(503);

    const res = await request(limited.app).get('/api/orders/00000000-0000-4000-8000-000000000000/');

    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 'rate_limited' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    for (const path of ['/health', '/ready', '/health/', '/ready/?probe=1'])
      expect((await request(limited.app).get(path)).status).not.toBe(429);
  });
});
