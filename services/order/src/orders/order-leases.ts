import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@order-system/platform';
import { type InFlightOrders, InMemoryInFlightOrders, type OrderWork } from './in-flight-orders.js';
import type { OrderLeasesRepository } from './order-leases.repository.js';

export interface OrderLeaseOptions {
  /** Who this process is; made once per process at start, so a restarted process is a new owner. */
  owner: string;
  logger: Logger;
}

/** How often a waiting `run` asks again whether the order's lease is free. */
const RETRY_TAKE_MS = 50;

/**
 * The orders being worked on by any replica of the order service that share one PostgreSQL
 * database: a lease row per order (owner, work, expiry). Work on an order takes its lease, renews it
 * every third of the TTL while it runs, and releases it at the end; a replica that dies stops
 * renewing, and once its leases expire the recovery job of another replica takes them and
 * finishes or compensates those orders. Within this process, work on one order also takes turns in
 * memory first, so local callers queue without polling the database.
 */
export class LeasedInFlightOrders implements InFlightOrders {
  readonly #local = new InMemoryInFlightOrders();

  constructor(
    private readonly leases: OrderLeasesRepository,
    private readonly options: OrderLeaseOptions,
  ) {}

  /** What this process is doing to the order right now, if anything. */
  holder(orderId: string): OrderWork | undefined {
    return this.#local.holder(orderId);
  }

  async currentHolder(orderId: string): Promise<OrderWork | undefined> {
    return this.#local.holder(orderId) ?? (await this.leases.holder(orderId));
  }

  run<T>(orderId: string, work: OrderWork, task: () => Promise<T>): Promise<T> {
    return this.#local.run(orderId, work, async () => {
      while (!(await this.leases.take(orderId, this.options.owner, work))) await sleep(RETRY_TAKE_MS);
      return this.#holding(orderId, task);
    });
  }

  tryRun<T>(orderId: string, work: OrderWork, task: () => Promise<T>): Promise<T | 'skipped'> {
    return this.#local.tryRun(orderId, work, async () => {
      if (!(await this.leases.take(orderId, this.options.owner, work))) return 'skipped' as const;
      return this.#holding(orderId, task);
    });
  }

  async #holding<T>(orderId: string, task: () => Promise<T>): Promise<T> {
    const { owner, logger } = this.options;
    const renewal = setInterval(() => {
      this.leases.renew(orderId, owner).then(
        (held) => {
          // Only when this process stalled for longer than the TTL: another replica may act on the order now.
          if (!held) logger.error({ order_id: orderId, owner }, 'the order lease was lost while working on the order');
        },
        (err: unknown) => logger.warn({ err, order_id: orderId }, 'renewing the order lease failed; retried at the next renewal'),
      );
    }, this.leases.ttlMs / 3);
    renewal.unref();
    try {
      return await task();
    } finally {
      clearInterval(renewal);
      // A lease that cannot be released expires by itself.
      await this.leases.release(orderId, owner).catch((err: unknown) => {
        logger.warn({ err, order_id: orderId }, 'releasing the order lease failed; it expires by itself');
      });
    }
  }
}
