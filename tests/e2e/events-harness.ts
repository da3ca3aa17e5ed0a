import type { ReceivedMessage } from '@order-system/testing';
import { expect } from 'vitest';
import { ADMIN, call } from './harness.js';

/** An order event as the feed and the broker carry it. */
export interface EventJson {
  id: string;
  type: string;
  occurred_at: string;
  order_id: string;
  sequence: number;
  order: { id: string; status: string };
  cancellation_reason?: string | null;
  code?: string | null;
}

/** Every event the feed of `orderUrl` serves after `after`, page by page (`limit` a page). */
export async function feedEvents(orderUrl: string, options: { after?: string; limit?: number } = {}): Promise<EventJson[]> {
  const events: EventJson[] = [];
  let after = options.after;
  for (;;) {
    const query = `limit=${options.limit ?? 100}${after ? `&after=${after}` : ''}`;
    const res = await call('GET', `${orderUrl}/api/orders/events/?${query}`, undefined, { auth: ADMIN });
    if (res.status !== 200) throw new Error(`the feed answered ${res.status}: ${JSON.stringify(res.body)}`);
    const page = res.body as EventJson[];
    if (page.length === 0) return events;
    events.push(...page);
    after = page.at(-1)?.id;
  }
}

/** Each order's events, in the order given, are numbered 1, 2, 3, ... without a gap. */
export function expectInSequencePerOrder(events: { order_id: string; sequence: number }[]): void {
  const byOrder = new Map<string, number[]>();
  for (const event of events) byOrder.set(event.order_id, [...(byOrder.get(event.order_id) ?? []), event.sequence]);
  for (const [orderId, sequences] of byOrder) expect([orderId, sequences]).toEqual([orderId, sequences.map((_, i) => i + 1)]);
}

/** The messages' bodies as events, in the order they first arrived (a consumer drops a repeated message_id). */
export function firstDeliveredEvents(messages: ReceivedMessage[]): EventJson[] {
  const seen = new Set<string>();
  const events: EventJson[] = [];
  for (const message of messages) {
    if (seen.has(message.messageId ?? '')) continue;
    seen.add(message.messageId ?? '');
    expect(message.messageId).toBe(message.body.id);
    events.push(message.body as unknown as EventJson);
  }
  return events;
}

/** Answers of POST /api/orders/ by status, while a load runs. */
export interface Load {
  statuses: number[];
  /** Stops the load and resolves once the orders in flight are answered. */
  stop(): Promise<void>;
}

/** Keeps `concurrency` clients placing one-item orders of `productId` until stopped. */
export function startLoad(orderUrl: string, productId: number, concurrency: number): Load {
  const statuses: number[] = [];
  let running = true;
  const clients = Array.from({ length: concurrency }, async () => {
    while (running) {
      const res = await call('POST', `${orderUrl}/api/orders/`, {
        customer_name: 'Load',
        items: [{ product_id: productId, quantity: 1 }],
      }).catch(() => ({ status: 0 }));
      statuses.push(res.status);
    }
  });
  return {
    statuses,
    stop: async () => {
      running = false;
      await Promise.all(clients);
    },
  };
}
