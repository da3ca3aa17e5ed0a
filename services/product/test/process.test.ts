import { migratedDatabaseUrl, rawRequest, startServiceProcess, TEST_JWT_SECRET, tempDatabaseUrl } from '@order-system/testing';
import { describe, expect, it } from 'vitest';

// The service as `npm start` runs it: its own process, its own database file (a new, empty one where
// the test is about the migrations).
// Two processes start in one test: on a busy machine that takes a while.
describe('the product service process', { timeout: 60_000 }, () => {
  it('when started, then it migrates, listens, answers, and stops cleanly on SIGTERM', async () => {
    const product = await startServiceProcess('product', { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: tempDatabaseUrl('product') });
    try {
      const res = await fetch(`${product.url}/api/products/`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as unknown[]).length).toBeGreaterThan(0); // the demo products
    } finally {
      await product.stop();
    }
    expect(product.logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['migration applied', 'listening', 'shutting down', 'stopped']),
    );
  });

  it('when a CONNECT arrives, then the JSON 405 with Allow and a request id, the connection closed, and nothing else is lost', async () => {
    const product = await startServiceProcess('product', { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: tempDatabaseUrl('product') });
    try {
      const res = await rawRequest(product.port, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');

      expect(res.status).toBe(405);
      expect(res.json).toEqual({ error: 'Method CONNECT not allowed', code: 'method_not_allowed' });
      expect(res.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.connection).toBe('close');
      expect((await fetch(`${product.url}/api/products/`)).status).toBe(200);
    } finally {
      await product.stop();
    }
  });

  it('when its port is taken, then it exits with a message that says so', async () => {
    const first = await startServiceProcess('product', { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: migratedDatabaseUrl('product') });
    try {
      await expect(
        startServiceProcess('product', {
          JWT_SECRET: TEST_JWT_SECRET,
          DATABASE_URL: migratedDatabaseUrl('product'),
          PORT: String(first.port),
        }),
      ).rejects.toThrow(/exited with 1[\s\S]*already in use: stop what runs there, or set another PORT\./);
    } finally {
      await first.stop();
    }
  });

  it('when a variable is invalid, then it exits naming it', async () => {
    await expect(startServiceProcess('product', { JWT_SECRET: 'short', DATABASE_URL: migratedDatabaseUrl('product') })).rejects.toThrow(
      /JWT_SECRET: must be at least 16 characters/,
    );
  });
});
