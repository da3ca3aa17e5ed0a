import type { Logger } from '@order-system/platform';
import type { OrderEventsRepository } from './order-events.repository.js';

const DAY_MS = 86_400_000;
/** Rows deleted per statement, so that a large prune never holds the database long. */
const BATCH = 1000;

export interface RetentionOptions {
  retentionDays: number;
  /** How often old events are pruned (also once shortly after start). */
  intervalMs: number;
  /**
   * Without a broker nothing is ever published: the feed is the only reader, and events past the
   * retention are pruned whether published or not. With one, an unpublished event is kept until
   * it is published, however old.
   */
  unpublishedToo: boolean;
}

/** Deletes events older than the retention period (never an order's last one), on a timer of its own. */
export class EventRetention {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(
    private readonly events: OrderEventsRepository,
    private readonly logger: Logger,
    private readonly options: RetentionOptions,
  ) {}

  start(): void {
    if (this.#timer) return;
    const run = () => {
      if (this.#stopped) return;
      this.#running ??= this.prune()
        .catch((err: unknown) => this.logger.warn({ err }, 'pruning old order events failed; retried at the next interval'))
        .finally(() => {
          this.#running = undefined;
        });
    };
    this.#timer = setInterval(run, this.options.intervalMs);
    this.#timer.unref();
    setImmediate(run);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Prunes everything due now; returns how many events were deleted. */
  async prune(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    let total = 0;
    for (;;) {
      const deleted = await this.events.prune(before, { unpublishedToo: this.options.unpublishedToo, batch: BATCH });
      total += deleted;
      if (deleted < BATCH) break;
    }
    if (total > 0) this.logger.info({ deleted: total, before: before.toISOString() }, 'old order events pruned');
    return total;
  }
}
