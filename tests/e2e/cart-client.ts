import { randomUUID } from 'node:crypto';
import type { CartChangedJson, CartJson, OrderOutcomeJson, OrderTrackingJson } from '@order-system/contracts';
import { bearer } from '@order-system/testing';
import { ADMIN, type CallOptions, call, type HttpResult, type Trio } from './harness.js';

/**
 * One customer's cart on a trio's order service, over HTTP: each call goes to the order process the
 * trio has now (a restarted one included).
 */
export class CartClient {
  readonly sub: string;
  readonly auth: string;

  constructor(
    private readonly trio: Trio,
    sub = `customer-${randomUUID()}`,
  ) {
    this.sub = sub;
    this.auth = bearer('customer', sub);
  }

  private url(path: string): string {
    return `${this.trio.order.url}/api/cart/${path}`;
  }

  get(options: CallOptions = {}): Promise<HttpResult<CartJson>> {
    return call('GET', this.url(''), undefined, { auth: this.auth, ...options }) as Promise<HttpResult<CartJson>>;
  }

  add(productId: number, quantity: number, options: CallOptions = {}): Promise<HttpResult<CartJson>> {
    return call('POST', this.url('items/'), { product_id: productId, quantity }, { auth: this.auth, ...options }) as Promise<
      HttpResult<CartJson>
    >;
  }

  setQuantity(itemId: number, quantity: number, options: CallOptions = {}): Promise<HttpResult<CartJson>> {
    return call('PUT', this.url(`items/${itemId}/`), { quantity }, { auth: this.auth, ...options }) as Promise<HttpResult<CartJson>>;
  }

  remove(itemId: number, options: CallOptions = {}): Promise<HttpResult> {
    return call('DELETE', this.url(`items/${itemId}/`), undefined, { auth: this.auth, ...options });
  }

  clear(options: CallOptions = {}): Promise<HttpResult> {
    return call('DELETE', this.url(''), undefined, { auth: this.auth, ...options });
  }

  checkout(body: unknown = {}, options: CallOptions = {}): Promise<HttpResult<OrderOutcomeJson & Partial<CartChangedJson>>> {
    return call('POST', this.url('checkout/'), body, { auth: this.auth, ...options }) as Promise<
      HttpResult<OrderOutcomeJson & Partial<CartChangedJson>>
    >;
  }

  /** The customer's orders, newest first (their own list). */
  async orders(): Promise<OrderOutcomeJson[]> {
    const res = await this.trio.listOrders('', { auth: this.auth });
    if (res.status !== 200) throw new Error(`listing orders failed: ${res.status}`);
    return res.body as OrderOutcomeJson[];
  }
}

export function tracking(trio: Trio, orderId: string, options: CallOptions = {}): Promise<HttpResult<OrderTrackingJson>> {
  return call('GET', `${trio.order.url}/api/orders/${orderId}/tracking/`, undefined, options) as Promise<HttpResult<OrderTrackingJson>>;
}

/** An admin changes a product (its price, its stock). */
export async function patchProduct(trio: Trio, productId: number, patch: Record<string, unknown>): Promise<void> {
  const res = await call('PATCH', `${trio.product.url}/api/products/${productId}/`, patch, { auth: ADMIN });
  if (res.status !== 200) throw new Error(`changing product ${productId} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function deleteProduct(trio: Trio, productId: number): Promise<void> {
  const res = await call('DELETE', `${trio.product.url}/api/products/${productId}/`, undefined, { auth: ADMIN });
  if (res.status !== 204) throw new Error(`deleting product ${productId} failed: ${res.status}`);
}

/** How many payments the payment service holds, whatever their status (read directly, never through a proxy). */
export async function paymentCount(trio: Trio): Promise<number> {
  const res = await call('GET', `${trio.payment.url}/api/payments/?limit=1`, undefined, { auth: ADMIN });
  if (res.status !== 200) throw new Error(`listing payments failed: ${res.status}`);
  return Number(res.headers.get('x-total-count'));
}
