import { type ProductJson, productJson } from '@order-system/contracts';
import type { CallContext, UpstreamClient } from './upstream-client.js';
import { UpstreamError } from './upstream-error.js';

export interface StockLine {
  productId: number;
  quantity: number;
}

/** The product service as the order workflow needs it. */
export class ProductClient {
  constructor(private readonly http: UpstreamClient) {}

  /** The product, or null when the product service says it does not exist. */
  async getProduct(id: number, ctx: CallContext): Promise<ProductJson | null> {
    const operation = `get product ${id}`;
    try {
      const { status, body } = await this.http.send({ operation, method: 'GET', path: `/api/products/${id}/`, retry: true }, ctx);
      return parseAnswer(operation, status, body);
    } catch (err) {
      // A 404 for a missing route (a wrong base URL) is not an answer about the product.
      if (err instanceof UpstreamError && err.hasStatus(404) && err.bodyField('code') === 'not_found') return null;
      throw err;
    }
  }

  /** Reserves every line or none, under the order's id; repeating it is harmless (idempotent on the id). */
  async reserve(reservationId: string, lines: StockLine[], ctx: CallContext): Promise<void> {
    await this.http.send(
      {
        operation: 'reserve stock',
        method: 'POST',
        path: '/api/products/reservations/',
        body: { reservation_id: reservationId, items: lines.map((line) => ({ product_id: line.productId, quantity: line.quantity })) },
        retry: true,
      },
      ctx,
    );
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

function parseAnswer(operation: string, status: number, body: unknown): ProductJson {
  const parsed = productJson.safeParse(body);
  // An answer we cannot read counts as a failed call; the status says it did arrive.
  if (!parsed.success) throw new UpstreamError('product', operation, { kind: 'http', status, body });
  return parsed.data;
}
