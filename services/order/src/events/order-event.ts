import { randomBytes } from 'node:crypto';
import type { Order } from '../orders/domain/order.js';
import type { OrderChange } from '../orders/domain/order-state.js';
import { toOrderJson } from '../orders/http/order-json.js';

export const ORDER_EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.cancelled',
  'order.shipped',
  'order.delivered',
  'order.refunded',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** The event of each status an order can move to. */
const STATUS_EVENTS = {
  PAID: 'order.paid',
  CANCELLED: 'order.cancelled',
  SHIPPED: 'order.shipped',
  DELIVERED: 'order.delivered',
} as const satisfies Partial<Record<Order['status'], OrderEventType>>;

/**
 * An event about to be written with its change. Its `sequence` is not known here: the database
 * counts it, in the transaction of the change, after the order's row is locked.
 */
export interface NewOrderEvent {
  id: string;
  orderId: string;
  type: OrderEventType;
  occurredAt: Date;
  /** The JSON text of the event's own fields: `order` (and `cancellation_reason` and `code` for order.cancelled). */
  payload: string;
}

/** The event of a new order: PENDING, with the items it asks for. */
export function creationEvent(order: Order): NewOrderEvent {
  return newEvent('order.created', order);
}

/**
 * The events a change of the state machine makes, given the order before and after it: one for a
 * status move, and order.refunded when the change records a refund (also a late charge refunded
 * on a cancelled order). Changes that only record progress (prices, a reservation, a charge sent)
 * make none.
 */
export function changeEvents(before: Order, change: OrderChange, after: Order): NewOrderEvent[] {
  const events: NewOrderEvent[] = [];
  const to = change.status?.to;
  if (to !== undefined && to in STATUS_EVENTS) events.push(newEvent(STATUS_EVENTS[to as keyof typeof STATUS_EVENTS], after));
  if (change.paymentState === 'REFUNDED' && before.paymentState !== 'REFUNDED') events.push(newEvent('order.refunded', after));
  return events;
}

function newEvent(type: OrderEventType, order: Order): NewOrderEvent {
  const fields: Record<string, unknown> = { order: toOrderJson(order) };
  if (type === 'order.cancelled') {
    fields.cancellation_reason = order.cancellationReason;
    fields.code = order.failureCode;
  }
  return { id: timeOrderedUuid(), orderId: order.id, type, occurredAt: order.updatedAt, payload: JSON.stringify(fields) };
}

/** An event as it is stored: what the feed, the stream and the relay read. */
export interface StoredOrderEvent {
  id: string;
  orderId: string;
  sequence: number;
  type: OrderEventType;
  occurredAt: Date;
  payload: string;
}

/**
 * The event's JSON, `{"id","type","occurred_at","order_id","sequence","order",...}`, put together
 * from its stored text without parsing the order again.
 */
export function eventJsonText(event: StoredOrderEvent): string {
  const envelope = JSON.stringify({
    id: event.id,
    type: event.type,
    occurred_at: event.occurredAt.toISOString(),
    order_id: event.orderId,
    sequence: event.sequence,
  });
  return `${envelope.slice(0, -1)},${event.payload.slice(1)}`;
}

/**
 * A UUID of version 7 (RFC 9562): the time in milliseconds first, then random bits. Event ids
 * that grow with time are added at the end of the outbox's id index instead of anywhere in it,
 * which keeps the write that goes with every change of an order cheap.
 */
export function timeOrderedUuid(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
