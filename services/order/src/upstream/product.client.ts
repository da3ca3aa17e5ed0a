import { reservationJson } from '@order-system/contracts';
import { parseMoney } from '@order-system/platform';
import type { CallContext, UpstreamClient } from './upstream-client.js';
import { UpstreamError } from './upstream-error.js';

export interface StockLine {
  productId: number;
  quantity: number;
}

/** A reserved line: what the product service took, at the name and price it had in the same transaction. */
export interface ReservedLine extends StockLine {
  name: string;
  unitPriceCents: number;
}

/** The product service as the order workflow needs it. */
export class ProductClient {
  constructor(private readonly http: UpstreamClient) {}

  /**
   * Reserves every line or none, under the order's id; repeating it is harmless (idempotent on the
   * id: a repeat answers the first reservation). Resolves with each line's name and unit price.
   */
  async reserve(reservationId: string, lines: StockLine[], ctx: CallContext): Promise<ReservedLine[]> {
    const operation = 'reserve stock';
    const { status, body } = await this.http.send(
      {
        operation,
        method: 'POST',
        path: '/api/products/reservations/',
        body: { reservation_id: reservationId, items: lines.map((line) => ({ product_id: line.productId, quantity: line.quantity })) },
        retry: true,
      },
      ctx,
    );
    const reserved = readReservation(body, lines);
    // An answer we cannot read counts as a failed call; its status says it did arrive (and may hold stock).
    if (!reserved) throw new UpstreamError('product', operation, { kind: 'http', status, body });
    return reserved;
  }

  /** Puts a reservation's stock back; 'not_found' means nothing was held under that id. */
  async release(reservationId: string, ctx: CallContext): Promise<'released' | 'not_found'> {
    try {
      await this.http.send(
        { operation: 'release stock', method: 'DELETE', path: `/api/products/reservations/${reservationId}/`, retry: true },
        ctx,
      );
      return 'released';
    } catch (err) {
      if (err instanceof UpstreamError && err.hasStatus(404) && err.bodyField('code') === 'reservation_not_found') return 'not_found';
      throw err;
    }
  }
}

/** The reserved lines, each asked-for line once with its quantity and a valid price; null for anything else. */
function readReservation(body: unknown, lines: StockLine[]): ReservedLine[] | null {
  const parsed = reservationJson.safeParse(body);
  if (!parsed.success || parsed.data.status !== 'ACTIVE') return null;
  const byProduct = new Map(parsed.data.items.map((item) => [item.product_id, item]));
  const reserved: ReservedLine[] = [];
  for (const line of lines) {
    const item = byProduct.get(line.productId);
    const price = item ? parseMoney(item.unit_price) : undefined;
    if (!item || item.quantity !== line.quantity || !price?.ok) return null;
    reserved.push({ ...line, name: item.name, unitPriceCents: price.cents });
  }
  return reserved;
}
