import type { Server } from 'node:http';
import { type AnyRouteSpec, route } from '@order-system/platform';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ORDER_ID, orderId, orderNotFound, paid, pending, T0, T1, validation } from '../orders/http/order-docs.js';
import { toOrderJson } from '../orders/http/order-json.js';
import { orderEventJson, orderEventsQuery } from './event-schemas.js';
import type { LiveOrderStatus, StreamOpening } from './live/live-order-status.js';
import type { StreamSink } from './live/order-event-streams.js';
import { eventJsonText } from './order-event.js';
import { type OrderEventFeed, UnknownEventCursorError } from './order-event-feed.js';

export interface OrderEventUseCases {
  feed: OrderEventFeed;
  live: LiveOrderStatus;
}

/** How long a client waits before it reconnects a stream that ended (the SSE `retry` field). */
const RECONNECT_MS = 2000;

const createdEvent = {
  id: '5b7f1c2e-8d4a-4e6b-9f3c-1a2b3c4d5e6f',
  type: 'order.created',
  occurred_at: T0,
  order_id: ORDER_ID,
  sequence: 1,
  order: pending,
};
const paidEvent = {
  id: '9c8d7e6f-5a4b-4c3d-8e2f-0a1b2c3d4e5f',
  type: 'order.paid',
  occurred_at: T1,
  order_id: ORDER_ID,
  sequence: 2,
  order: paid,
};

/** What a live status stream sends: the order as it is, then each event, and heartbeats. */
const orderEventStream = z.string().meta({
  id: 'OrderEventStream',
  description:
    'Server-Sent Events. First `event: order.state` with the order as it is (`{"type":"order.state","order_id","sequence","order"}`, ' +
    'its `id` the sequence of the last event so far), then one message per event as it commits (`event:` its type, `id:` its ' +
    'sequence, `data:` the event JSON, as in GET /api/orders/events/), and a `: heartbeat` comment line every ' +
    'ORDER_EVENTS_HEARTBEAT_MS (15 s). Resumed with Last-Event-ID, it starts with the events after that one instead.',
});
const streamExample = [
  `retry: ${RECONNECT_MS}`,
  '',
  'id: 1',
  'event: order.state',
  `data: ${JSON.stringify({ type: 'order.state', order_id: ORDER_ID, sequence: 1, order: pending })}`,
  '',
  'id: 2',
  'event: order.paid',
  `data: ${JSON.stringify(paidEvent)}`,
  '',
  ': heartbeat',
  '',
  '',
].join('\n');

/**
 * The order events routes: the feed, and the live status of one order as Server-Sent Events.
 * `/api/orders/events/` is a literal segment where `/api/orders/{id}/` has a parameter: the
 * platform registers it first, so it is never taken for an order id.
 */
export function orderEventsRoutes({ feed, live }: OrderEventUseCases): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/orders/events/',
      operationId: 'listOrderEvents',
      summary: 'Every order event, oldest first, a page at a time: the feed a consumer without a broker polls',
      description:
        'One event per change of an order: order.created, order.paid, order.cancelled (with `cancellation_reason` and `code`), ' +
        'order.shipped, order.delivered, order.refunded; each with the order as GET /api/orders/{id}/ returned it right after ' +
        'the change, and its `sequence` among the order’s events. An event is recorded in the transaction of its change. ' +
        'Poll with `after` = the id of the last event read (the `Link` rel="next" of every page says where to ask next, also ' +
        'when the page is empty); no event is ever skipped. Events are kept ORDER_EVENTS_RETENTION_DAYS (30) days; an ' +
        '`after` that was pruned is a 400 invalid_cursor. With RABBITMQ_URL set the same events are also published to the ' +
        'topic exchange `order_events` (routing key = type, message_id = id).',
      access: { roles: ['admin', 'service'] },
      query: orderEventsQuery,
      responses: {
        200: {
          description: 'the events after `after` (at most `limit`), in the order they were recorded',
          schema: z.array(orderEventJson),
          headers: ['Link'],
          example: [createdEvent, paidEvent],
        },
        400: {
          description: 'a bad `after` or `limit`, an unknown query parameter, or invalid_cursor: `after` names no event kept',
          schema: 'Error',
          examples: {
            limit: {
              summary: 'limit out of range',
              value: validation('Validation failed', { limit: ['must be an integer from 1 to 100'] }),
            },
            invalid_cursor: { summary: 'an event id that is unknown or pruned', value: new UnknownEventCursorError().toJSON() },
          },
        },
      },
      handler: async ({ query }, req, res) => {
        const events = await feed.page(query.after, query.limit);
        // Where to ask next: after the last event of this page (the same place when it is empty).
        const next = new URLSearchParams();
        const last = events.at(-1)?.id ?? query.after;
        if (last !== undefined) next.set('after', last);
        next.set('limit', String(query.limit));
        res.setHeader(
          'Link',
          `<${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}${req.path}?${next.toString()}>; rel="next"`,
        );
        res.type('json').send(`[${events.map(eventJsonText).join(',')}]`);
      },
    }),
    route({
      method: 'get',
      path: '/api/orders/{id}/events/stream',
      operationId: 'streamOrderEvents',
      summary: 'The live status of one order, as Server-Sent Events',
      description:
        'The order as it is at once, then every event of the order as it commits (on any replica), in sequence order, and ' +
        'heartbeats. A client that reconnects sends `Last-Event-ID` (the `id` of the last message it got: a sequence, or an ' +
        'event id) and gets every event after it, without a gap. Who may read the order may follow it.',
      access: { optional: 'needed for an order placed with a customer token: its owner or an admin' },
      params: { id: orderId },
      headers: {
        'Last-Event-ID': {
          description: 'Resume after this message: the sequence of an event of this order already received (or its event id) (e.g. `2`)',
          schema: { type: 'string', maxLength: 64 },
        },
      },
      responses: {
        200: {
          description: 'the event stream (text/event-stream), open until the client leaves',
          contentType: 'text/event-stream',
          schema: orderEventStream,
          example: streamExample,
        },
        400: {
          description: 'a Last-Event-ID that names no event of this order already sent',
          schema: 'Error',
          example: validation('Last-Event-ID names no event of this order', {
            'Last-Event-ID': ['must be the id of an event of this order that was sent already (a sequence from 0 to 2, or an event id)'],
          }),
        },
        404: orderNotFound,
      },
      // A streaming answer: every refusal is an ordinary JSON error, answered before the stream's headers.
      handler: async ({ params, auth }, req, res) => {
        const lastEventId = req.get('Last-Event-ID');
        const { opening, attach } = await live.open(
          params.id,
          auth,
          lastEventId === undefined ? { kind: 'now' } : { kind: 'after', lastEventId },
        );
        res.status(200);
        res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
        res.setHeader('Cache-Control', 'no-cache, no-transform');
        // nginx and other proxies must pass each message on at once.
        res.setHeader('X-Accel-Buffering', 'no');
        // The connection ends with the stream (at shutdown too); a client opens a new one to resume.
        res.setHeader('Connection', 'close');
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        res.flushHeaders();
        res.write(`retry: ${RECONNECT_MS}\n\n`);
        writeOpening(res, opening);
        const stop = attach(eventStreamSink(req, res));
        res.on('close', stop);
      },
    }),
  ];
}

function writeOpening(res: Response, opening: StreamOpening): void {
  if (!opening.state) return;
  const { order, sequence } = opening.state;
  const data = JSON.stringify({ type: 'order.state', order_id: order.id, sequence, order: toOrderJson(order) });
  res.write(`id: ${sequence}\nevent: order.state\ndata: ${data}\n\n`);
}

function eventStreamSink(req: Request, res: Response): StreamSink {
  const open = () => !res.writableEnded && !res.destroyed;
  return {
    send: (event) => {
      if (open()) res.write(`id: ${event.sequence}\nevent: ${event.type}\ndata: ${eventJsonText(event)}\n\n`);
    },
    heartbeat: () => {
      if (open()) res.write(': heartbeat\n\n');
    },
    end: () => {
      if (open()) res.end();
    },
    // The server stopped listening: it is shutting down and waits for open answers to end.
    serverStopping: () => (req.socket as { server?: Server }).server?.listening === false,
  };
}
