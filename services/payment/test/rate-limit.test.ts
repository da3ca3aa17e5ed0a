import { hostileAuthHeaders } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestPaymentApp, newOrderId, type TestPaymentApp } from './payment-app.js';

const FORGED_SERVICE = hostileAuthHeaders('service')['another secret'] ?? '';

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

    const res = await t.charge({ order_id: orderId, amount: '5.00' }, ADMIN);

    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 'rate_limited', error: expect.any(String) });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await t.rows(orderId)).toEqual([]);
    expect((await request(t.app).get('/health')).status).toBe(200);
  });
});

describe('RATE_LIMIT_PER_MINUTE and the order service’s own calls', () => {
  it('when the calls carry a valid service token, then they are not limited: the limit is for clients', async () => {
    const own = await createTestPaymentApp({ RATE_LIMIT_PER_MINUTE: '2' });
    try {
      for (let i = 0; i < 10; i++) expect((await own.charge({ order_id: newOrderId(), amount: '1.00' })).status).toBe(201);

      // A client, an admin included, is limited; so is a forged service token.
      for (let i = 0; i < 2; i++) expect((await own.charge({ order_id: newOrderId(), amount: '1.00' }, ADMIN)).status).toBe(201);
      expect((await own.charge({ order_id: newOrderId(), amount: '1.00' }, ADMIN)).status).toBe(429);
      expect((await own.charge({ order_id: newOrderId(), amount: '1.00' }, FORGED_SERVICE)).status).toBe(429);
    } finally {
      await own.close();
    }
  });
});
