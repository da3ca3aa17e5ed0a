import { randomUUID } from 'node:crypto';
import type { Counter, Logger } from '@order-system/platform';
import type { OrderEventsRepository } from '../order-events.repository.js';
import type { EventPublisher, PublishOutcome } from './rabbitmq-publisher.js';
import type { RelayLease } from './relay-lease.repository.js';

export interface RelayOptions {
  /** How long the relay waits before it looks again when the outbox is empty. */
  intervalMs: number;
  /** How long the relay lease lasts without renewal; renewed every third of it. */
  leaseTtlMs: number;
  /** Events read and published in one round, at most. */
  batchSize: number;
  /** First wait after a failure; it doubles with each further failure, up to retryMaxMs. */
  retryMinMs: number;
  retryMaxMs: number;
}

/** Why the relay cannot publish right now, said once when it starts and once when it ends. */
type Trouble = 'broker' | 'database';

class RelayTrouble extends Error {
  constructor(
    readonly kind: Trouble,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Publishes the outbox to the broker: a loop that, while this replica holds the relay lease, reads
 * the oldest unpublished events (of each order only the next one), publishes them, waits for the
 * broker's confirms and only then marks them published. At least once: an event whose confirm did
 * not arrive, or whose mark was lost to a crash, is published again with the same id. One relay
 * runs at a time among the replicas; a replica that cannot reach the broker gives the lease up.
 *
 * When the broker is down the order service goes on taking orders; their events wait in the outbox
 * and go out in order when it is back. The relay retries with a backoff and says so in the logs
 * once per outage, not once per event.
 */
export class OutboxRelay {
  readonly #owner = randomUUID();
  #running: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;
  #leader = false;
  #heldAt = 0;
  #trouble: { kind: Trouble; since: number } | undefined;

  constructor(
    private readonly events: OrderEventsRepository,
    private readonly leases: RelayLease,
    private readonly publisher: EventPublisher,
    private readonly published: Counter<'outcome'>,
    private readonly logger: Logger,
    private readonly options: RelayOptions,
  ) {}

  start(): void {
    if (this.#running || this.#stopping) return;
    this.#running = this.#loop();
  }

  /**
   * Stops after the round in flight, gives the lease up and closes the connection. The connection is
   * closed first: confirms still awaited settle at once (those events are published again later).
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.publisher.close();
    await this.#running;
    if (this.#leader) await this.leases.release(this.#owner).catch(() => undefined);
    this.#leader = false;
    // A round that began as the stop came may have connected again.
    await this.publisher.close();
  }

  async #loop(): Promise<void> {
    let backoff = this.options.retryMinMs;
    while (!this.#stopping) {
      let pause: number;
      try {
        pause = await this.#round();
        this.#recovered();
        backoff = this.options.retryMinMs;
      } catch (err) {
        pause = backoff;
        backoff = Math.min(backoff * 2, this.options.retryMaxMs);
        await this.#failed(err);
      }
      if (pause > 0 && !this.#stopping) await this.#sleep(pause);
    }
  }

  /** One round; returns how long to wait before the next. */
  async #round(): Promise<number> {
    if (this.#stopping) return 0;
    try {
      await this.publisher.connect();
    } catch (err) {
      throw new RelayTrouble('broker', describe(err));
    }
    if (!(await this.#lead())) return this.options.leaseTtlMs / 3;
    const batch = await this.#database(() => this.events.nextToPublish(this.options.batchSize));
    if (batch.length === 0) return this.options.intervalMs;
    let outcomes: PublishOutcome[];
    try {
      outcomes = await this.publisher.publish(batch);
    } catch (err) {
      throw new RelayTrouble('broker', describe(err));
    }
    const confirmed = batch.filter((_, i) => outcomes[i] === 'confirmed').map((event) => event.position);
    for (const outcome of outcomes) this.published.inc({ outcome });
    await this.#database(() => this.events.markPublished(confirmed, new Date()));
    if (confirmed.length < batch.length) {
      throw new RelayTrouble('broker', `${batch.length - confirmed.length} of ${batch.length} events were not confirmed`);
    }
    // A full batch: more are probably waiting.
    return batch.length < this.options.batchSize ? this.options.intervalMs : 0;
  }

  /** Takes or renews the relay lease (renewed every third of its lifetime); false while another replica holds it. */
  async #lead(): Promise<boolean> {
    const now = Date.now();
    if (this.#leader && now - this.#heldAt < this.options.leaseTtlMs / 3) return true;
    const held = await this.#database(() => this.leases.hold(this.#owner, this.options.leaseTtlMs));
    if (held && !this.#leader) this.logger.info('event relay: this replica publishes the order events');
    if (!held && this.#leader) this.logger.warn('event relay: another replica took over publishing the order events');
    this.#leader = held;
    if (held) this.#heldAt = now;
    return held;
  }

  async #database<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw new RelayTrouble('database', describe(err));
    }
  }

  async #failed(err: unknown): Promise<void> {
    // Closing the connection to stop fails the round in flight: nothing to report.
    if (this.#stopping) return;
    const trouble = err instanceof RelayTrouble ? err : new RelayTrouble('database', describe(err));
    if (trouble.kind === 'broker') {
      // A new connection for the next round; meanwhile another replica that reaches the broker may publish.
      await this.publisher.close();
      if (this.#leader) await this.leases.release(this.#owner).catch(() => undefined);
      this.#leader = false;
    }
    if (this.#trouble?.kind === trouble.kind) return;
    this.#trouble = { kind: trouble.kind, since: Date.now() };
    const message: Record<Trouble, string> = {
      broker: 'event relay: the broker cannot be reached or did not confirm; events wait in the outbox, retried with a backoff',
      database: 'event relay: the outbox cannot be read or marked; retried with a backoff',
    };
    this.logger.warn({ reason: trouble.reason, trouble: trouble.kind }, message[trouble.kind]);
  }

  #recovered(): void {
    if (!this.#trouble) return;
    this.logger.info({ trouble: this.#trouble.kind, after_ms: Date.now() - this.#trouble.since }, 'event relay: publishing again');
    this.#trouble = undefined;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
