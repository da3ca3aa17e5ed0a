import { MAX_LISTED_IDS, productJson, reservationJson } from '@order-system/contracts';
import { parseMoney } from '@order-system/platform';
import type { PricedLine } from '../orders/domain/order.js';
import type { RequestContext, UpstreamClient } from './upstream-client.js';
import { UpstreamError } from './upstream-error.js';

export interface StockLine {
  productId: number;
  quantity: number;
}

/** The product service as the order service needs it (the port its use cases depend on). */
export interface ProductPort {
  reserve(reservationId: string, lines: StockLine[], ctx: RequestContext): Promise<PricedLine[]>;
  void(reservationId: string, reason: string, ctx: RequestContext): Promise<'released' | 'voided'>;
}

/** A product as the catalogue shows it now: its current name, price and stock. */
export interface CatalogueProduct {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
}

/** The catalogue as the cart reads it: many products in one call. */
export interface CataloguePort {
  /** The products of these ids that exist, by id. */
  findMany(ids: number[], ctx: RequestContext): Promise<Map<number, CatalogueProduct>>;
}

export class ProductClient implements ProductPort, CataloguePort {
  constructor(private readonly http: UpstreamClient) {}

  /**
   * Reserves every line or none, under the order's id; repeating it is harmless (idempotent on the
   * id: a repeat answers the first reservation). Resolves with each line's name and unit price.
   */
  async reserve(reservationId: string, lines: StockLine[], ctx: RequestContext): Promise<PricedLine[]> {
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

  /**
   * The products that exist, by id: one batched read, `GET /api/products/?ids=1,2,3`, per 100 ids
   * (a cart holds at most 100 lines; one more is asked when a product is added to a full cart).
   * Retried on transient failures (a read changes nothing). An answer it cannot read is a failed call.
   */
  async findMany(ids: number[], ctx: RequestContext): Promise<Map<number, CatalogueProduct>> {
    const distinct = [...new Set(ids)];
    const batches: number[][] = [];
    for (let start = 0; start < distinct.length; start += MAX_LISTED_IDS) batches.push(distinct.slice(start, start + MAX_LISTED_IDS));
    const found = new Map<number, CatalogueProduct>();
    for (const products of await Promise.all(batches.map((batch) => this.#findBatch(batch, ctx)))) {
      for (const product of products) found.set(product.id, product);
    }
    return found;
  }

  async #findBatch(ids: number[], ctx: RequestContext): Promise<CatalogueProduct[]> {
    const operation = 'read products';
    const { status, body } = await this.http.send(
      { operation, method: 'GET', path: `/api/products/?ids=${ids.join(',')}&limit=${MAX_LISTED_IDS}`, retry: true },
      ctx,
    );
    const parsed = productJson.array().safeParse(body);
    if (!parsed.success) throw new UpstreamError('product', operation, { kind: 'http', status, body });
    return parsed.data.map((product) => {
      const price = parseMoney(product.price);
      if (!price.ok) throw new UpstreamError('product', operation, { kind: 'http', status, body });
      return { id: product.id, name: product.name, priceCents: price.cents, stock: product.stock };
    });
  }

  /**
   * Makes the reservation impossible from now on: its stock is put back if it was reserved
   * ('released'), and if it never was, the product service records it as voided ('voided') and
   * refuses it should it arrive late (a request that timed out may still be on its way). Called
   * whenever an order that may hold stock is not kept. Retried on transient failures: a repeated
   * void changes nothing.
   */
  async void(reservationId: string, reason: string, ctx: RequestContext): Promise<'released' | 'voided'> {
    const { body } = await this.http.send(
      {
        operation: 'void reservation',
        method: 'POST',
        path: `/api/products/reservations/${reservationId}/void/`,
        body: { reason },
        retry: true,
      },
      ctx,
    );
    return (body as { status?: unknown } | null)?.status === 'VOIDED' ? 'voided' : 'released';
  }
}

/** The reserved lines, each asked-for line once with its quantity and a valid price; null for anything else. */
function readReservation(body: unknown, lines: StockLine[]): PricedLine[] | null {
  const parsed = reservationJson.safeParse(body);
  if (!parsed.success || parsed.data.status !== 'ACTIVE') return null;
  const byProduct = new Map(parsed.data.items.map((item) => [item.product_id, item]));
  const reserved: PricedLine[] = [];
  for (const line of lines) {
    const item = byProduct.get(line.productId);
    const price = item ? parseMoney(item.unit_price) : undefined;
    if (!item || item.quantity !== line.quantity || !price?.ok) return null;
    reserved.push({ ...line, name: item.name, unitPriceCents: price.cents });
  }
  return reserved;
}
