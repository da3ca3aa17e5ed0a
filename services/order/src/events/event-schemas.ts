import { orderJson, timestampJson, uuid, uuidJson } from '@order-system/contracts';
import { paginationQuery } from '@order-system/platform';
import { z } from 'zod';
import { ORDER_EVENT_TYPES } from './order-event.js';

/** `GET /api/orders/events/`: the page after an event (from the first when absent), `limit` 1-100 (default 100). */
export const orderEventsQuery = z.object({
  after: uuid
    .optional()
    .meta({ description: 'The id of the last event already read; the page starts after it (from the oldest when absent)' }),
  limit: paginationQuery.shape.limit,
});

/** One order event, as the feed, the live stream and the broker carry it. */
export const orderEventJson = z
  .object({
    id: uuidJson.meta({ description: 'The event id: the message_id on the broker; a consumer drops an id it has seen' }),
    type: z.enum(ORDER_EVENT_TYPES),
    occurred_at: timestampJson,
    order_id: uuidJson,
    sequence: z
      .number()
      .int()
      .min(1)
      .meta({ description: "The event's place among the order's events: 1, 2, 3, ... in the order they happened" }),
    order: orderJson.meta({ description: 'The order as GET /api/orders/{id}/ returned it right after the change' }),
    cancellation_reason: z.string().nullable().optional().meta({ description: 'order.cancelled only: why' }),
    code: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'order.cancelled only: the stable code of the reason (payment_failed, ...)' }),
  })
  .meta({ id: 'OrderEvent' });
