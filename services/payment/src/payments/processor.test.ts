import { describe, expect, it, vi } from 'vitest';
import { PaymentProcessorUnavailableError, SimulatedProcessor } from './processor.js';

const processor = (failureRate: number, random: () => number, latencyMs = 0, wait = vi.fn(async () => {})) =>
  new SimulatedProcessor({ failureRate, latencyMs, random, wait });

describe('SimulatedProcessor', () => {
  it('when the amount is above zero, then the charge completes; at zero, it fails', () => {
    const p = processor(0, Math.random);

    expect(p.outcome(1)).toBe('COMPLETED');
    expect(p.outcome(0)).toBe('FAILED');
  });

  it('when the failure rate is 0, then it is never unavailable, whatever the dice', () => {
    expect(() => processor(0, () => 0).assertAvailable()).not.toThrow();
  });

  it('when the failure rate is 1, then it is always unavailable, whatever the dice', () => {
    expect(() => processor(1, () => 0.999_999).assertAvailable()).toThrow(PaymentProcessorUnavailableError);
  });

  it('when the dice fall under the rate, then it is unavailable; at or above it, available', () => {
    expect(() => processor(0.3, () => 0.299).assertAvailable()).toThrow(PaymentProcessorUnavailableError);
    expect(() => processor(0.3, () => 0.3).assertAvailable()).not.toThrow();
  });

  it('when it is unavailable, then the error is the contract 503', () => {
    const err = new PaymentProcessorUnavailableError();

    expect(err.status).toBe(503);
    expect(err.toJSON()).toEqual({ error: 'Payment processor unavailable', code: 'payment_processor_unavailable' });
  });

  it('when a latency is set, then the answer waits that long; without one, it does not wait', async () => {
    const wait = vi.fn(async () => {});

    await processor(0, Math.random, 250, wait).respondDelay();
    await processor(0, Math.random, 0, wait).respondDelay();

    expect(wait).toHaveBeenCalledTimes(1);
    expect(wait).toHaveBeenCalledWith(250);
  });
});
