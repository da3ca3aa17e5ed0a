/** Who in this process is working on an order. */
export type OrderWork = 'workflow' | 'cancel' | 'recovery';

interface Holder {
  work: OrderWork;
  done: Promise<void>;
}

/**
 * Who is working on an order right now, so that two pieces of work never act on the same order at
 * once: the create-order workflow, a cancellation and the recovery job take turns. Two
 * implementations, chosen by the composition root: in memory (InMemoryInFlightOrders) when one
 * process owns the order database (SQLite), and a lease in the database (LeasedInFlightOrders,
 * order-leases.ts) when several replicas share it (PostgreSQL).
 */
export interface InFlightOrders {
  /** What anyone (this process, or another replica on the same database) is doing to the order right now. */
  currentHolder(orderId: string): Promise<OrderWork | undefined>;
  /** Runs `task` holding the order, after whoever holds it now has finished. */
  run<T>(orderId: string, work: OrderWork, task: () => Promise<T>): Promise<T>;
  /** Runs `task` holding the order if nobody holds it; otherwise does nothing and answers `skipped`. */
  tryRun<T>(orderId: string, work: OrderWork, task: () => Promise<T>): Promise<T | 'skipped'>;
}

/**
 * The orders this process is working on, in memory: enough where one process owns the order
 * database (SQLite); after a crash nothing is in flight, which is exactly what the recovery job
 * relies on.
 */
export class InMemoryInFlightOrders implements InFlightOrders {
  readonly #holders = new Map<string, Holder>();

  /** What is being done to the order right now, if anything. */
  holder(orderId: string): OrderWork | undefined {
    return this.#holders.get(orderId)?.work;
  }

  async currentHolder(orderId: string): Promise<OrderWork | undefined> {
    return this.holder(orderId);
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
