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
