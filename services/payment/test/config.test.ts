import { ConfigError, EXAMPLE_JWT_SECRET } from '@order-system/platform';
import { describe, expect, it } from 'vitest';
import { loadPaymentConfig } from '../src/config.js';

const SECRET = 'a-secret-of-at-least-16-chars';

describe('payment configuration', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const config = loadPaymentConfig({});

    expect(config).toMatchObject({
      PORT: 8002,
      DATABASE_URL: 'file:./data/payment.db',
      PAYMENT_FAILURE_RATE: 0,
      PAYMENT_LATENCY_MS: 0,
    });
  });

  it('when the fault knobs are set, then they are read as numbers', () => {
    const config = loadPaymentConfig({ PAYMENT_FAILURE_RATE: '0.25', PAYMENT_LATENCY_MS: '1500', PORT: '9002' });

    expect(config).toMatchObject({ PAYMENT_FAILURE_RATE: 0.25, PAYMENT_LATENCY_MS: 1500, PORT: 9002 });
  });

  it('when a variable is set to an empty string, then its default applies', () => {
    expect(loadPaymentConfig({ PAYMENT_FAILURE_RATE: '' }).PAYMENT_FAILURE_RATE).toBe(0);
  });

  it.each([
    ['PAYMENT_FAILURE_RATE', '1.5'],
    ['PAYMENT_FAILURE_RATE', '-0.1'],
    ['PAYMENT_FAILURE_RATE', 'often'],
    ['PAYMENT_LATENCY_MS', '60001'],
    ['PAYMENT_LATENCY_MS', '-1'],
    ['PAYMENT_LATENCY_MS', '2.5'],
    ['PORT', '70000'],
  ])('when %s is %s, then start-up fails naming it', (name, value) => {
    expect(() => loadPaymentConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadPaymentConfig({ [name]: value })).toThrow(name);
  });

  it('when several variables are bad, then every one is named at once', () => {
    expect(() => loadPaymentConfig({ PAYMENT_FAILURE_RATE: '2', PAYMENT_LATENCY_MS: 'x' })).toThrow(
      /PAYMENT_FAILURE_RATE[\s\S]*PAYMENT_LATENCY_MS/,
    );
  });

  it('when production runs with the example JWT secret, then it refuses to start', () => {
    expect(() => loadPaymentConfig({ NODE_ENV: 'production', JWT_SECRET: EXAMPLE_JWT_SECRET })).toThrow(/JWT_SECRET/);
    expect(loadPaymentConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET }).NODE_ENV).toBe('production');
  });
});
