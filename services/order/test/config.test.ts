import { ConfigError } from '@order-system/platform';
import { describe, expect, it } from 'vitest';
import { loadOrderConfig } from '../src/config.js';

describe('order configuration', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const config = loadOrderConfig({});

    expect(config).toMatchObject({
      PORT: 8000,
      DATABASE_URL: 'file:./data/order.db',
      PRODUCT_SERVICE_URL: 'http://127.0.0.1:8001',
      PAYMENT_SERVICE_URL: 'http://127.0.0.1:8002',
      UPSTREAM_TIMEOUT_MS: 3000,
      PAYMENT_RETRIES: 2,
      PRODUCT_RETRIES: 2,
      RETRY_BASE_DELAY_MS: 200,
      RECOVERY_INTERVAL_MS: 30_000,
      RECOVERY_GRACE_MS: 120_000,
    });
  });

  it("when a timeout is set for one neighbour, then it is that neighbour's; the other keeps the shared one", () => {
    const defaults = loadOrderConfig({});
    expect([defaults.PRODUCT_TIMEOUT_MS, defaults.PAYMENT_TIMEOUT_MS]).toEqual([undefined, undefined]);
    const payment = loadOrderConfig({ UPSTREAM_TIMEOUT_MS: '2000', PAYMENT_TIMEOUT_MS: '500' });
    expect([payment.UPSTREAM_TIMEOUT_MS, payment.PAYMENT_TIMEOUT_MS, payment.PRODUCT_TIMEOUT_MS]).toEqual([2000, 500, undefined]);
    expect(() => loadOrderConfig({ PRODUCT_TIMEOUT_MS: '10' })).toThrow(ConfigError);
  });

  it('when a service URL ends with a slash, then it is trimmed', () => {
    expect(loadOrderConfig({ PRODUCT_SERVICE_URL: 'http://product:8001/' }).PRODUCT_SERVICE_URL).toBe('http://product:8001');
  });

  it('when values are bad, then start-up fails naming every bad variable', () => {
    const load = () =>
      loadOrderConfig({
        PAYMENT_SERVICE_URL: 'ftp://payment',
        UPSTREAM_TIMEOUT_MS: 'soon',
        PAYMENT_RETRIES: '9',
        PORT: '-1',
        RECOVERY_INTERVAL_MS: '0',
        RECOVERY_GRACE_MS: '-5',
      });

    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of [
        'PAYMENT_SERVICE_URL',
        'UPSTREAM_TIMEOUT_MS',
        'PAYMENT_RETRIES',
        'PORT',
        'RECOVERY_INTERVAL_MS',
        'RECOVERY_GRACE_MS',
      ])
        expect(problems).toContain(name);
    }
  });

  it('when NODE_ENV=production keeps the example JWT secret, then start-up is refused', () => {
    expect(() => loadOrderConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });
});
