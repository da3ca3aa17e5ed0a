import { type Claims, ValidationError } from '@order-system/platform';
import type { Order } from '../../orders/domain/order.js';
import type { ReadOrders } from '../../orders/lifecycle/read-orders.js';
import type { OrderEventsRepository } from '../order-events.repository.js';
import type { OrderEventStreams, StreamSink } from './order-event-streams.js';

/** Where a stream starts: right after the event a reconnecting client saw last. */
export type StreamStart = { kind: 'now' } | { kind: 'after'; lastEventId: string };

/** What a stream says first, before the changes that follow. */
export interface StreamOpening {
  /**
   * The order as it is, and the sequence of the last event before it was read (the stream's
   * first id), when the client starts afresh or its events since Last-Event-ID are gone.
   */
  state?: { order: Order; sequence: number };
}

const LAST_EVENT_ID = 'Last-Event-ID';
const SEQUENCE = /^\d{1,9}$/;

/**
 * GET /api/orders/{id}/events/stream: the order's live status. Whoever may read the order may
 * follow it. A fresh stream starts with the order as it is; a resumed one (Last-Event-ID: the
 * sequence of the last event received, or its id) with every event after it. Then each event as
 * it commits, on whichever replica, in sequence order and without gaps.
 */
export class LiveOrderStatus {
  constructor(
    private readonly reads: ReadOrders,
    private readonly events: OrderEventsRepository,
    private readonly streams: OrderEventStreams,
  ) {}

  /**
   * Checks access and the start, then says what the stream opens with; `attach` then sends the
   * opening and the events that follow. Split so that every refusal is an ordinary JSON error,
   * answered before the stream's headers.
   */
  async open(
    id: string | null,
    viewer: Claims | undefined,
    start: StreamStart,
  ): Promise<{ opening: StreamOpening; attach: (sink: StreamSink) => () => void }> {
    // The last event is read before the order, so that whatever changes in between is sent again
    // as an event rather than missed.
    const last = id === null ? 0 : await this.events.lastSequence(id);
    const order = await this.reads.get(id, viewer);
    const fresh = { opening: { state: { order, sequence: last } }, attach: (sink: StreamSink) => this.streams.watch(order.id, last, sink) };
    if (start.kind === 'now') return fresh;
    const from = await this.resumePoint(order.id, start.lastEventId, last);
    const missed = await this.events.after(new Map([[order.id, from]]));
    // Events are pruned only long after they happened, and never so as to leave a gap: a client
    // that comes back after that long starts again from the order as it is.
    if (missed.length > 0 && missed[0]?.sequence !== from + 1) return fresh;
    return {
      opening: {},
      attach: (sink) => {
        for (const event of missed) sink.send(event);
        return this.streams.watch(order.id, missed.at(-1)?.sequence ?? from, sink);
      },
    };
  }

  /** The sequence a Last-Event-ID names (an event of this order already sent); a 400 when it names nothing else. */
  private async resumePoint(orderId: string, lastEventId: string, last: number): Promise<number> {
    const value = lastEventId.trim();
    let sequence: number | null = null;
    if (SEQUENCE.test(value)) sequence = Number(value);
    else sequence = await this.events.sequenceOf(orderId, value);
    if (sequence === null || sequence > last) {
      throw new ValidationError(
        {
          [LAST_EVENT_ID]: [
            `must be the id of an event of this order that was sent already (a sequence from 0 to ${last}, or an event id)`,
          ],
        },
        'Last-Event-ID names no event of this order',
      );
    }
    return sequence;
  }
}
