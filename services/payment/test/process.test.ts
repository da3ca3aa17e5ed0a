import { migratedDatabaseUrl, rawRequest, type ServiceProcess, startServiceProcess, TEST_JWT_SECRET } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newOrderId, SERVICE } from './payment-app.js';

// The service as `pnpm start` runs it: main.ts, its own process, its JSON logs on stdout.
describe('the payment service as a process', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    service = await startServiceProcess('payment', { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: migratedDatabaseUrl('payment') });
  });
  afterAll(() => service.stop());

  const logged = (requestId: string, msg: string) => service.logs.find((line) => line.request_id === requestId && line.msg === msg);

  it('when it starts, then it answers /health and /ready', async () => {
    expect(await (await fetch(`${service.url}/health`)).json()).toEqual({ status: 'ok', service: 'payment' });
    expect((await fetch(`${service.url}/ready`)).status).toBe(200);
  });

  it.each([
    ['a host and port', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443'],
    ['a path of the service', 'CONNECT /api/payments/ HTTP/1.1\r\nHost: 127.0.0.1'],
  ])('when a CONNECT to %s arrives, then the JSON 405 with Allow and the request id, and the connection is closed', async (_case, head) => {
    const res = await rawRequest(service.port, `${head}\r\nX-Request-Id: connect-req-1\r\n\r\n`);

    expect(res.status).toBe(405);
    expect(res.json).toEqual({ error: 'Method CONNECT not allowed', code: 'method_not_allowed' });
    expect(res.headers).toMatchObject({
      allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
      'x-request-id': 'connect-req-1',
      connection: 'close',
      'content-type': 'application/json; charset=utf-8',
    });
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
  });

  it('when a payment is charged and refunded, then each state change is logged with its request id', async () => {
    const orderId = newOrderId();
    const headers = { Authorization: SERVICE, 'Content-Type': 'application/json' };

    const charged = await fetch(`${service.url}/api/payments/`, {
      method: 'POST',
      headers: { ...headers, 'X-Request-Id': 'charge-req-1' },
      body: JSON.stringify({ order_id: orderId, amount: '50.00' }),
    });
    const refunded = await fetch(`${service.url}/api/payments/${orderId}/refund/`, {
      method: 'POST',
      headers: { ...headers, 'X-Request-Id': 'refund-req-1' },
      body: JSON.stringify({ reason: 'changed mind' }),
    });

    expect(charged.status).toBe(201);
    expect(refunded.status).toBe(200);
    await vi.waitFor(() => {
      expect(logged('charge-req-1', 'payment completed')).toMatchObject({ order_id: orderId, amount: '50.00', status: 'COMPLETED' });
      expect(logged('refund-req-1', 'payment refunded')).toMatchObject({ order_id: orderId, reason: 'changed mind' });
    });
  });
});

describe('the payment service with a bad configuration', () => {
  it('when PAYMENT_FAILURE_RATE is out of range, then it exits naming the variable', async () => {
    await expect(
      startServiceProcess('payment', {
        JWT_SECRET: TEST_JWT_SECRET,
        DATABASE_URL: migratedDatabaseUrl('payment'),
        PAYMENT_FAILURE_RATE: '2',
      }),
    ).rejects.toThrow(/PAYMENT_FAILURE_RATE/);
  });
});
