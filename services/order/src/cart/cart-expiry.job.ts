import type { Logger } from '@order-system/platform';
import type { CartsRepository } from './carts.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CartExpiryOptions {
  /** Carts unchanged for this many days are removed. */
  ttlDays: number;
  /** How often it looks (it also looks once at start). */
  intervalMs: number;
}

/**
 * Removes the carts nobody changed for `ttlDays`, with their lines, at start and then every
 * `intervalMs`; never a cart that a checkout holds (its order still PENDING). Each replica runs it:
 * the delete is one statement, so replicas running it at once remove each cart once.
 */
export class CartExpiryJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(
    private readonly carts: CartsRepository,
    private readonly logger: Logger,
    private readonly options: CartExpiryOptions,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    // The timer alone must not keep the process alive.
    this.#timer.unref();
    void this.runOnce();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass (or the end of the one running): how many carts it removed. Never rejects: a failure is logged. */
  runOnce(now = new Date()): Promise<number> {
    this.#running ??= this.#pass(now).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(now: Date): Promise<number> {
    try {
      const removed = await this.carts.removeUntouchedSince(new Date(now.getTime() - this.options.ttlDays * DAY_MS));
      if (removed > 0) this.logger.info({ removed, ttl_days: this.options.ttlDays }, 'carts untouched too long removed');
      return removed;
    } catch (err) {
      this.logger.warn({ err }, 'removing expired carts failed; tried again at the next interval');
      return 0;
    }
  }
}
