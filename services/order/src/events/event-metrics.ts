import type { Counter, Logger, ServiceMetrics } from '@order-system/platform';
import { Gauge } from 'prom-client';
import type { OrderEventsRepository } from './order-events.repository.js';
import type { PublishOutcome } from './relay/rabbitmq-publisher.js';

const OUTCOMES: PublishOutcome[] = ['confirmed', 'nacked', 'unconfirmed'];

/**
 * The outbox's metrics: how many events wait to be published and how old the oldest of them is
 * (both read from the database when /metrics is scraped), and the relay's publishes by outcome.
 * Returns the counter the relay counts with.
 */
export function registerOutboxMetrics(metrics: ServiceMetrics, events: OrderEventsRepository, logger: Logger): Counter<'outcome'> {
  const read = async (what: string, gauge: Gauge, value: () => Promise<number>) => {
    try {
      gauge.set(await value());
    } catch (err) {
      // The scrape still answers, with the last value read.
      logger.warn({ err }, `reading ${what} for /metrics failed`);
    }
  };
  new Gauge({
    name: 'order_events_backlog',
    help: 'Order events recorded and not yet published to the broker (without a broker: every event kept)',
    registers: [metrics.registry],
    async collect() {
      await read('the outbox backlog', this, () => events.unpublishedCount());
    },
  });
  new Gauge({
    name: 'order_events_oldest_unpublished_age_seconds',
    help: 'Age of the oldest order event not yet published (0 when none waits)',
    registers: [metrics.registry],
    async collect() {
      await read('the oldest unpublished event', this, async () => {
        const oldest = await events.oldestUnpublished();
        return oldest === null ? 0 : Math.max(0, (Date.now() - oldest.getTime()) / 1000);
      });
    },
  });
  return metrics.counter(
    'order_events_published_total',
    'Order events sent to the broker, by outcome: confirmed, nacked (refused by the broker), unconfirmed (the connection went away first)',
    ['outcome'],
    OUTCOMES.map((outcome) => ({ outcome })),
  );
}
