import { BadRequestError } from '@order-system/platform';
import type { StoredOrderEvent } from './order-event.js';
import type { OrderEventsRepository } from './order-events.repository.js';

export class UnknownEventCursorError extends BadRequestError {
  constructor() {
    super('invalid_cursor', 'after names no event: it is unknown, or older than the retention period and pruned');
  }
}

/**
 * GET /api/orders/events/: every order event, oldest first, a page at a time, the way a consumer
 * without a broker polls for them (as Stripe's events are polled): it asks for the page after the
 * last event it read. Pages never skip an event, however the writes interleave (see FeedOrder).
 */
export class OrderEventFeed {
  constructor(private readonly events: OrderEventsRepository) {}

  async page(after: string | undefined, limit: number): Promise<StoredOrderEvent[]> {
    const position = after === undefined ? null : await this.events.positionOf(after);
    if (after !== undefined && position === null) throw new UnknownEventCursorError();
    return this.events.page(position, limit);
  }
}
