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
 * An event about to be written with its change. Its `sequence` and its position (hence its id)
 * are not known here: the database gives them, in the statement of the change.
 */
export interface NewOrderEvent {
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
  return { orderId: order.id, type, occurredAt: order.updatedAt, payload: JSON.stringify(fields) };
}

/** An event as it is stored: what the feed, the stream and the relay read. */
export interface StoredOrderEvent {
  id: string;
  /** Its place in the outbox (in commit order on SQLite); its id is made from it. */
  position: number;
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
