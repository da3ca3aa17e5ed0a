import { startServiceProcess, TEST_JWT_SECRET, tempDatabaseUrl } from '@order-system/testing';
import { describe, expect, it } from 'vitest';

// The service as `npm start` runs it: its own process, its own database file.
describe('the product service process', () => {
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

  it('when its port is taken, then it exits with a message that says so', async () => {
    const first = await startServiceProcess('product', { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: tempDatabaseUrl('product') });
    try {
      await expect(
        startServiceProcess('product', { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: tempDatabaseUrl('product'), PORT: String(first.port) }),
      ).rejects.toThrow(/exited with 1[\s\S]*already in use: stop what runs there, or set another PORT\./);
    } finally {
      await first.stop();
    }
  });

  it('when a variable is invalid, then it exits naming it', async () => {
    await expect(startServiceProcess('product', { JWT_SECRET: 'short', DATABASE_URL: tempDatabaseUrl('product') })).rejects.toThrow(
      /JWT_SECRET: must be at least 16 characters/,
    );
  });
});
