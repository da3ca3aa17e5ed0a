import type { Server } from 'node:http';
import { parseUuidParam } from '@order-system/contracts';
import { defineRoute, parseOrThrow, requireRole } from '@order-system/platform';
import { type Request, type Response, Router } from 'express';
import { toOrderJson } from '../orders/http/order-json.js';
import { orderEventsQuery } from './event-schemas.js';
import type { LiveOrderStatus, StreamOpening } from './live-order-status.js';
import { eventJsonText } from './order-event.js';
import type { OrderEventFeed } from './order-event-feed.js';
import type { StreamSink } from './order-event-streams.js';

export interface OrderEventUseCases {
  feed: OrderEventFeed;
  live: LiveOrderStatus;
}

/** How long a client waits before it reconnects a stream that ended (the SSE `retry` field). */
const RECONNECT_MS = 2000;

/**
 * The order events routes: the feed, and the live status of one order as Server-Sent Events.
 * Mounted before the order routes, whose /api/orders/:id would otherwise take /api/orders/events.
 */
export function orderEventsRouter({ feed, live }: OrderEventUseCases): Router {
  const router = Router();

  defineRoute(
    router,
    '/api/orders/events',
    {
      get: [
        requireRole('admin', 'service'),
        async (req, res) => {
          const query = parseOrThrow(orderEventsQuery, req.query);
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
      ],
    },
    { query: { get: orderEventsQuery } },
  );

  defineRoute(router, '/api/orders/:id/events/stream', {
    get: async (req, res) => {
      const lastEventId = req.get('Last-Event-ID');
      const { opening, attach } = await live.open(
        parseUuidParam(req.params.id),
        req.auth,
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
  });
  return router;
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
