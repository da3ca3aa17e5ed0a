import type { OrderWork } from '../domain/order.js';

interface Holder {
  work: OrderWork;
  done: Promise<void>;
}

/**
 * The orders this process is working on, in memory: work on one order takes turns here first, so
 * that callers of one process queue without asking the database (the lease in the database is what
 * keeps replicas apart, and its token what fences a worker that stalled).
 */
export class LocalTurns {
  readonly #holders = new Map<string, Holder>();

  /** What this process is doing to the order right now, if anything. */
  holder(orderId: string): OrderWork | undefined {
    return this.#holders.get(orderId)?.work;
  }

  /** Runs `task` holding the order, after whoever holds it now has finished. */
  async run<T>(orderId: string, work: OrderWork, task: () => Promise<T>): Promise<T> {
    for (let current = this.#holders.get(orderId); current; current = this.#holders.get(orderId)) await current.done;
    return this.#hold(orderId, work, task);
  }

  /** Runs `task` holding the order if nobody holds it; otherwise does nothing and answers `skipped`. */
  async tryRun<T>(orderId: string, work: OrderWork, task: () => Promise<T>): Promise<T | 'skipped'> {
    if (this.#holders.has(orderId)) return 'skipped';
    return this.#hold(orderId, work, task);
  }

  // Checked and taken synchronously (no await in between), so two callers cannot both take it.
  async #hold<T>(orderId: string, work: OrderWork, task: () => Promise<T>): Promise<T> {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#holders.set(orderId, { work, done });
    try {
      return await task();
    } finally {
      this.#holders.delete(orderId);
      finish();
    }
  }
}
