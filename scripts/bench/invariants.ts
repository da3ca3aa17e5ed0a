import type { HttpClient } from './http-client.js';

/** An order the bench placed, as its create answer (or a later read) showed it. */
export interface PlacedOrder {
  id: string;
  productId: number;
  quantity: number;
  status: string;
  total: string;
}

export interface BenchProduct {
  id: number;
  initialStock: number;
}

export interface InvariantReport {
  ok: boolean;
  orders: number;
  statuses: Record<string, number>;
  /** Create requests that got no answer: their orders, if any were made, are not known to the bench. */
  unanswered: number;
  problems: string[];
}

export interface InvariantTarget {
  orderUrl: string;
  productUrl: string;
  paymentUrl: string;
  admin: string;
}

const CHECK_CONCURRENCY = 16;
/** How long an order still PENDING at the end may take to settle (the recovery job finishes it). */
const SETTLE_TIMEOUT_MS = 15_000;
const SETTLE_POLL_MS = 250;
/** Problems printed in full; the rest are counted. */
const MAX_LISTED_PROBLEMS = 20;
const FINAL = new Set(['PAID', 'CANCELLED']);

/**
 * The contract's invariants over every order the bench placed: the stock taken from each product
 * is the sum of the quantities of its PAID orders, each PAID order has exactly one COMPLETED
 * payment of its total, and no other order has a COMPLETED payment.
 */
export async function checkInvariants(
  client: HttpClient,
  target: InvariantTarget,
  orders: PlacedOrder[],
  products: BenchProduct[],
  unanswered: number,
): Promise<InvariantReport> {
  const problems: string[] = [];
  await settle(client, target, orders);

  const paidQuantity = new Map<number, number>();
  const statuses: Record<string, number> = {};
  for (const order of orders) {
    statuses[order.status] = (statuses[order.status] ?? 0) + 1;
    if (order.status === 'PAID') paidQuantity.set(order.productId, (paidQuantity.get(order.productId) ?? 0) + order.quantity);
  }
  for (const product of products) {
    const answer = await client.json<{ stock?: number }>({
      method: 'GET',
      url: new URL(`/api/products/${product.id}/`, target.productUrl),
    });
    const stock = answer.body?.stock;
    if (answer.status !== 200 || typeof stock !== 'number') {
      problems.push(`product ${product.id}: could not read its stock (${answer.status})`);
      continue;
    }
    const taken = product.initialStock - stock;
    const paid = paidQuantity.get(product.id) ?? 0;
    if (taken !== paid) problems.push(`product ${product.id}: stock taken ${taken}, PAID quantity ${paid}`);
  }

  await forEachBounded(orders, CHECK_CONCURRENCY, async (order) => {
    const answer = await client.json<{ status?: string; amount?: string }>({
      method: 'GET',
      url: new URL(`/api/payments/${order.id}/`, target.paymentUrl),
    });
    const completed = answer.status === 200 && answer.body?.status === 'COMPLETED';
    if (order.status === 'PAID') {
      if (!completed) problems.push(`order ${order.id} is PAID, its payment is ${answer.body?.status ?? `missing (${answer.status})`}`);
      else if (answer.body?.amount !== order.total) problems.push(`order ${order.id} totals ${order.total}, paid ${answer.body?.amount}`);
    } else if (completed) {
      problems.push(`order ${order.id} is ${order.status} with a COMPLETED payment`);
    } else if (answer.status !== 200 && answer.status !== 404) {
      problems.push(`order ${order.id}: payment lookup answered ${answer.status}`);
    }
  });

  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  if (problems.length > listed.length) listed.push(`... and ${problems.length - listed.length} more`);
  return { ok: problems.length === 0, orders: orders.length, statuses, unanswered, problems: listed };
}

/** Reads orders not yet PAID or CANCELLED again until they are, or the time is up. */
async function settle(client: HttpClient, target: InvariantTarget, orders: PlacedOrder[]): Promise<void> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let open = orders.filter((order) => !FINAL.has(order.status));
  while (open.length > 0 && performance.now() < deadline) {
    await forEachBounded(open, CHECK_CONCURRENCY, async (order) => {
      const answer = await client.json<{ status?: string; total_amount?: string }>({
        method: 'GET',
        url: new URL(`/api/orders/${order.id}/`, target.orderUrl),
        headers: { Authorization: target.admin },
      });
      if (answer.status === 200 && answer.body?.status) {
        order.status = answer.body.status;
        order.total = answer.body.total_amount ?? order.total;
      }
    });
    open = open.filter((order) => !FINAL.has(order.status));
    if (open.length > 0) await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}

async function forEachBounded<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await task(item);
      }
    }),
  );
}
