import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@order-system/platform';
import type { OrderWork } from '../domain/order.js';
import type { Fence } from '../orders.repository.js';
import { LocalTurns } from './local-turns.js';
import type { OrderLeasesRepository } from './order-leases.repository.js';

/** How often a waiting `hold` asks again whether the order's lease is free. */
const RETRY_TAKE_MS = 50;

/**
 * A worker's hold on one order: the token its writes are fenced with. `lost` is only a hint (a
 * renewal found the lease gone, so the worker stalled and was taken over); what stops a worker that
 * lost its lease is that the database refuses its writes.
 */
export class Lease implements Fence {
  lost = false;
  /** Set once a write gave the lease up (the worker's last write), so it is not released again. */
  released = false;
  readonly token = randomUUID();

  constructor(
    readonly orderId: string,
    readonly work: OrderWork,
    /** Whether the database holds it yet: a new order's lease is recorded by the order's insert. */
    private inDatabase: boolean,
  ) {}

  /** The order's insert recorded it: from now on it is renewed (before, there is no row to renew). */
  recorded(): void {
    this.inDatabase = true;
  }

  get isRecorded(): boolean {
    return this.inDatabase;
  }
}

export type Held<T> = { held: true; value: T } | { held: false; holder: OrderWork | undefined };

export interface OrderLeaseOptions {
  /** How long a lease lasts without renewal: when a worker dies or stalls, its order is free again this long after. */
  ttlMs: number;
  logger: Logger;
}

/**
 * Who works on which order, across every replica of the order service that shares the database:
 * the create-order workflow, a cancellation and the recovery job take turns on an order through its
 * lease (a token and an expiry on the order's row), renewed every third of the TTL while the work
 * runs and given up at the end. A worker that stalls past its lease (a pause, a frozen VM) is taken
 * over once it expires; its token then no longer matches, so every write it attempts is refused and
 * it stops. Within this process, work on one order takes turns in memory first.
 */
export class OrderLeases {
  readonly #local = new LocalTurns();

  constructor(
    private readonly store: OrderLeasesRepository,
    private readonly options: OrderLeaseOptions,
  ) {}

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** What anyone (this process, or another replica) is doing to the order right now. */
  async holder(orderId: string): Promise<OrderWork | undefined> {
    return this.#local.holder(orderId) ?? (await this.store.holder(orderId));
  }

  /**
   * Runs the create-order workflow of an order about to be written: the order's insert records the
   * lease's token (the workflow then calls `lease.recorded()`), so the workflow holds it from its first write.
   */
  forNewOrder<T>(orderId: string, task: (lease: Lease) => Promise<T>): Promise<T> {
    return this.#local.run(orderId, 'workflow', () => this.#holding(new Lease(orderId, 'workflow', false), task));
  }

  /**
   * Runs `task` holding an existing order, once this process's earlier work on it has ended and its
   * lease is free. Without `wait`, or when the create-order workflow holds it (its answer is
   * awaited by a client, so nobody queues behind it), it is not held and `holder` says who has it.
   */
  async hold<T>(orderId: string, work: OrderWork, task: (lease: Lease) => Promise<T>, options: { wait: boolean }): Promise<Held<T>> {
    const local = this.#local.holder(orderId);
    if (local && (!options.wait || local === 'workflow')) return { held: false, holder: local };
    const run = () => this.#take(orderId, work, task, options.wait);
    const outcome = options.wait ? await this.#local.run(orderId, work, run) : await this.#local.tryRun(orderId, work, run);
    return outcome === 'skipped' ? { held: false, holder: this.#local.holder(orderId) } : outcome;
  }

  async #take<T>(orderId: string, work: OrderWork, task: (lease: Lease) => Promise<T>, wait: boolean): Promise<Held<T>> {
    const lease = new Lease(orderId, work, true);
    // A holder that stalls is taken over after one TTL: waiting longer than that means something else is wrong.
    const giveUpAt = Date.now() + this.options.ttlMs + 1000;
    for (;;) {
      if (await this.store.take(orderId, lease.token, work, this.options.ttlMs)) {
        return { held: true, value: await this.#holding(lease, task) };
      }
      const holder = await this.store.holder(orderId);
      if (!wait || holder === 'workflow' || Date.now() > giveUpAt) return { held: false, holder };
      await sleep(RETRY_TAKE_MS);
    }
  }

  async #holding<T>(lease: Lease, task: (lease: Lease) => Promise<T>): Promise<T> {
    const { ttlMs, logger } = this.options;
    const renewal = setInterval(() => {
      // A new order's lease before its insert (a slow one): nothing to renew yet, nothing lost.
      if (!lease.isRecorded) return;
      this.store.renew(lease.orderId, lease.token, ttlMs).then(
        (held) => {
          if (held || lease.lost || lease.released) return;
          lease.lost = true;
          // Only when this process stalled for longer than the TTL: another worker may act on the order
          // now, and every write of this one is refused.
          logger.warn({ order_id: lease.orderId, work: lease.work }, 'the order lease was lost; this work stops at its next write');
        },
        (err: unknown) => logger.warn({ err, order_id: lease.orderId }, 'renewing the order lease failed; retried at the next renewal'),
      );
    }, ttlMs / 3);
    renewal.unref();
    try {
      return await task(lease);
    } finally {
      clearInterval(renewal);
      // A lease that cannot be released expires by itself.
      if (!lease.released) {
        await this.store.release(lease.orderId, lease.token).catch((err: unknown) => {
          logger.warn({ err, order_id: lease.orderId }, 'releasing the order lease failed; it expires by itself');
        });
      }
    }
  }
}
