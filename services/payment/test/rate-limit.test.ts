import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPaymentApp, newOrderId, type TestPaymentApp } from './payment-app.js';

// The general per-client limit, set by RATE_LIMIT_PER_MINUTE.
let t: TestPaymentApp;
beforeAll(async () => {
  t = await createTestPaymentApp({ RATE_LIMIT_PER_MINUTE: '3' });
});
afterAll(() => t.close());

describe('RATE_LIMIT_PER_MINUTE=3', () => {
  it('when a client sends a 4th request within the minute, then 429 rate_limited with Retry-After, and nothing is charged', async () => {
    for (let i = 0; i < 3; i++) expect((await t.get(newOrderId())).status).toBe(404);
    const orderId = newOrderId();

    const res = await t.charge({ order_id: orderId, amount: '5.00' });

    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 'rate_limited', error: expect.any(String) });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await t.rows(orderId)).toEqual([]);
    expect((await request(t.app).get('/health')).status).toBe(200);
  });
});
