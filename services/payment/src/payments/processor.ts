import { setTimeout as sleep } from 'node:timers/promises';
import type { PaymentStatus } from '@order-system/contracts';
import { ServiceUnavailableError } from '@order-system/platform';

export class PaymentProcessorUnavailableError extends ServiceUnavailableError {
  constructor() {
    super('payment_processor_unavailable', 'Payment processor unavailable', { headers: { 'Retry-After': '1' } });
  }
}

export interface ProcessorOptions {
  /** Share (0–1) of charges refused with 503 before anything is stored. */
  failureRate: number;
  /** Delay before a charge is answered, after it was stored. */
  latencyMs: number;
  /** [0, 1); Math.random unless a test wants a fixed sequence. */
  random?: () => number;
  wait?: (ms: number) => Promise<unknown>;
}

/**
 * The card processor this service stands in for. Its rule is simple (an amount above zero is
 * charged, zero is declined); its faults are the point: it can be unavailable or slow, so the
 * order service's retries and timeouts can be exercised against it.
 */
export class SimulatedProcessor {
  readonly #failureRate: number;
  readonly #latencyMs: number;
  readonly #random: () => number;
  readonly #wait: (ms: number) => Promise<unknown>;

  constructor(options: ProcessorOptions) {
    this.#failureRate = options.failureRate;
    this.#latencyMs = options.latencyMs;
    this.#random = options.random ?? Math.random;
    this.#wait = options.wait ?? sleep;
  }

  /** Throws a 503 for the configured share of calls. random() < 1 always, so rate 1 always fails and rate 0 never does. */
  assertAvailable(): void {
    if (this.#failureRate > 0 && this.#random() < this.#failureRate) throw new PaymentProcessorUnavailableError();
  }

  outcome(amountCents: number): PaymentStatus {
    return amountCents > 0 ? 'COMPLETED' : 'FAILED';
  }

  /** The processor's latency. Called after the payment is committed, never inside a transaction. */
  async respondDelay(): Promise<void> {
    if (this.#latencyMs > 0) await this.#wait(this.#latencyMs);
  }
}
