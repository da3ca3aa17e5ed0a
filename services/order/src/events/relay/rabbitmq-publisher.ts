import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { eventJsonText, type StoredOrderEvent } from '../order-event.js';

/** What became of one published event: confirmed by the broker, refused by it, or not known (the channel went away first). */
export type PublishOutcome = 'confirmed' | 'nacked' | 'unconfirmed';

/** The broker, as the relay sees it. */
export interface EventPublisher {
  /** Connects when not connected; throws when the broker cannot be reached. */
  connect(): Promise<void>;
  /** Publishes the events in this order and waits for the broker's answer to each. */
  publish(events: StoredOrderEvent[]): Promise<PublishOutcome[]>;
  /** Closes the connection (the next `connect` opens a new one). */
  close(): Promise<void>;
}

/** Longest a connection attempt may take. */
const CONNECT_TIMEOUT_MS = 5000;
/** Longest the relay waits for the broker to confirm a batch before it treats the connection as lost. */
const CONFIRM_TIMEOUT_MS = 15_000;
/** Seconds between AMQP heartbeats: a broker that vanished without closing is noticed within about twice this. */
const HEARTBEAT_SECONDS = 10;

/**
 * Publishes order events to a durable topic exchange of RabbitMQ on a confirm channel: routing key
 * = the event's type, persistent, `message_id` = the event's id, the event's JSON as the body. An
 * event counts as published only once the broker confirmed it.
 */
export class RabbitMqPublisher implements EventPublisher {
  #model: ChannelModel | undefined;
  #channel: ConfirmChannel | undefined;

  constructor(
    private readonly url: string,
    private readonly exchange: string,
  ) {}

  async connect(): Promise<void> {
    if (this.#channel) return;
    await this.close();
    const model = await connect(withHeartbeat(this.url), {
      timeout: CONNECT_TIMEOUT_MS,
      clientProperties: { connection_name: 'order-service event relay' },
    });
    // A lost connection or channel is noticed by the next publish or connect; the events wait in the outbox.
    model.on('error', () => undefined);
    model.on('close', () => {
      if (this.#model === model) {
        this.#model = undefined;
        this.#channel = undefined;
      }
    });
    this.#model = model;
    try {
      const channel = await model.createConfirmChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => {
        if (this.#channel === channel) this.#channel = undefined;
      });
      await channel.assertExchange(this.exchange, 'topic', { durable: true });
      this.#channel = channel;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async publish(events: StoredOrderEvent[]): Promise<PublishOutcome[]> {
    const channel = this.#channel;
    if (!channel) throw new Error('not connected to the broker');
    const outcomes: Promise<PublishOutcome>[] = [];
    for (const event of events) {
      outcomes.push(
        new Promise<PublishOutcome>((resolve) => {
          try {
            const body = Buffer.from(eventJsonText(event));
            channel.publish(
              this.exchange,
              event.type,
              body,
              {
                persistent: true,
                messageId: event.id,
                type: event.type,
                contentType: 'application/json',
                timestamp: Math.floor(event.occurredAt.getTime() / 1000),
                appId: 'order-service',
              },
              (err) => resolve(err ? (isNack(err) ? 'nacked' : 'unconfirmed') : 'confirmed'),
            );
          } catch {
            // The channel closed under us: nothing more goes out on it.
            resolve('unconfirmed');
          }
        }),
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CONFIRM_TIMEOUT_MS);
    });
    const settled = await Promise.race([Promise.all(outcomes), timedOut]);
    clearTimeout(timer);
    if (settled !== 'timeout') return settled;
    // No answer in time: the connection is presumed dead. Closing it settles every callback.
    await this.close();
    return Promise.all(outcomes);
  }

  async close(): Promise<void> {
    const model = this.#model;
    this.#model = undefined;
    this.#channel = undefined;
    if (model) await model.close().catch(() => undefined);
  }
}

function isNack(err: unknown): boolean {
  return err instanceof Error && err.message === 'message nacked';
}

/** The URL with a short heartbeat unless it names one, so a broker that vanished is noticed soon. */
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(HEARTBEAT_SECONDS));
  return parsed.toString();
}
