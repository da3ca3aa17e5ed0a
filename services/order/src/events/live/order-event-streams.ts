import type { Logger } from '@order-system/platform';
import type { StoredOrderEvent } from '../order-event.js';
import type { OrderEventsRepository } from '../order-events.repository.js';

/** Where a stream's messages go: an open Server-Sent Events answer. */
export interface StreamSink {
  send(event: StoredOrderEvent): void;
  heartbeat(): void;
  /** Ends the answer (the client reconnects with Last-Event-ID to go on). */
  end(): void;
  /** True once the server stopped accepting connections (it is shutting down). */
  serverStopping(): boolean;
}

interface Watcher {
  orderId: string;
  /** The sequence of the last event this stream was given. */
  sequence: number;
  sink: StreamSink;
}

export interface StreamOptions {
  /** How often the watched orders' new events are looked for, while at least one stream is open. */
  pollMs: number;
  /** How often every open stream gets a comment line, so that proxies and clients see it alive. */
  heartbeatMs: number;
}

/**
 * The open live-status streams of this process, fed from the database, so a change made by any
 * replica reaches them. One shared poller runs only while a stream is open: each tick is one query
 * for every watched order's events after the last one its streams were given. The order path
 * does nothing for them, and nothing at all when nobody listens.
 */
export class OrderEventStreams {
  readonly #byOrder = new Map<string, Set<Watcher>>();
  #poller: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #polling = false;
  #closed = false;

  constructor(
    private readonly events: OrderEventsRepository,
    private readonly logger: Logger,
    private readonly options: StreamOptions,
  ) {}

  /** How many streams are open. */
  get size(): number {
    let size = 0;
    for (const watchers of this.#byOrder.values()) size += watchers.size;
    return size;
  }

  /**
   * Sends `sink` every event of the order after `sequence`, as each commits, until the returned
   * function is called (the client went away) or the streams close.
   */
  watch(orderId: string, sequence: number, sink: StreamSink): () => void {
    if (this.#closed) {
      sink.end();
      return () => undefined;
    }
    const watcher: Watcher = { orderId, sequence, sink };
    let watchers = this.#byOrder.get(orderId);
    if (!watchers) {
      watchers = new Set();
      this.#byOrder.set(orderId, watchers);
    }
    watchers.add(watcher);
    this.#startTimers();
    return () => this.#remove(watcher);
  }

  /** Whether the poller runs: only while a stream is open. */
  get polling(): boolean {
    return this.#poller !== undefined;
  }

  /** Ends every stream and stops the poller: at shutdown, so the server need not wait for them. */
  close(): void {
    this.#closed = true;
    for (const watchers of this.#byOrder.values()) for (const watcher of watchers) watcher.sink.end();
    this.#byOrder.clear();
    this.#stopTimers();
  }

  /** One look for new events of every watched order; exposed for tests, run by the poller. */
  async poll(): Promise<void> {
    if (this.#polling || this.#byOrder.size === 0) return;
    this.#polling = true;
    try {
      this.#endWhereServerStops();
      const cursors = new Map<string, number>();
      for (const [orderId, watchers] of this.#byOrder) {
        cursors.set(orderId, Math.min(...Array.from(watchers, (watcher) => watcher.sequence)));
      }
      if (cursors.size === 0) return;
      for (const event of await this.events.after(cursors)) {
        for (const watcher of this.#byOrder.get(event.orderId) ?? []) {
          if (event.sequence <= watcher.sequence) continue;
          watcher.sink.send(event);
          watcher.sequence = event.sequence;
        }
      }
    } catch (err) {
      // The next tick tries again; the streams stay open.
      this.logger.warn({ err }, 'order event streams: reading new events failed');
    } finally {
      this.#polling = false;
    }
  }

  #endWhereServerStops(): void {
    for (const watchers of this.#byOrder.values()) {
      for (const watcher of watchers) {
        if (!watcher.sink.serverStopping()) continue;
        watcher.sink.end();
        this.#remove(watcher);
      }
    }
  }

  #remove(watcher: Watcher): void {
    const watchers = this.#byOrder.get(watcher.orderId);
    if (!watchers?.delete(watcher)) return;
    if (watchers.size === 0) this.#byOrder.delete(watcher.orderId);
    if (this.#byOrder.size === 0) this.#stopTimers();
  }

  #startTimers(): void {
    if (this.#poller) return;
    this.#poller = setInterval(() => void this.poll(), this.options.pollMs);
    this.#heartbeat = setInterval(() => {
      for (const watchers of this.#byOrder.values()) for (const watcher of watchers) watcher.sink.heartbeat();
    }, this.options.heartbeatMs);
    this.#poller.unref();
    this.#heartbeat.unref();
  }

  #stopTimers(): void {
    clearInterval(this.#poller);
    clearInterval(this.#heartbeat);
    this.#poller = undefined;
    this.#heartbeat = undefined;
  }
}
