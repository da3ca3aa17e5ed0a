import { type OrderJson, type OrderOutcomeJson, type PaymentJson, type ProductJson, productJson } from '@order-system/contracts';
import {
  bearer,
  type ServiceProcess,
  startProxy,
  startServiceProcess,
  type TcpProxy,
  TEST_JWT_SECRET,
  tempDatabaseUrl,
} from '@order-system/testing';

/**
 * The three real services as their own processes, each with its own new SQLite file, wired
 * together over HTTP on 127.0.0.1 as they are deployed; optionally with a fault proxy between the
 * order service and a neighbour.
 */
export interface TrioOptions {
  productEnv?: Record<string, string>;
  paymentEnv?: Record<string, string>;
  orderEnv?: Record<string, string>;
  /** Route the order service's product calls through a TcpProxy (trio.productProxy). */
  proxyProduct?: boolean;
  /** Route the order service's payment calls through a TcpProxy (trio.paymentProxy). */
  proxyPayment?: boolean;
}

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  /** A full Authorization header value, e.g. bearer('customer', 'alice'). */
  auth?: string;
  headers?: Record<string, string>;
  /** Sent as is with a JSON content type, instead of JSON.stringify(body). */
  raw?: string;
}

/** The order service's settings that keep fault tests fast; any can be overridden per trio. */
export const FAST_ORDER_ENV = {
  UPSTREAM_TIMEOUT_MS: '2000',
  RETRY_BASE_DELAY_MS: '20',
};

export const ADMIN = bearer('admin', 'admin');

export class Trio {
  constructor(
    readonly product: ServiceProcess,
    readonly payment: ServiceProcess,
    readonly order: ServiceProcess,
    readonly productProxy: TcpProxy | undefined,
    readonly paymentProxy: TcpProxy | undefined,
  ) {}

  /** Creates a product through the admin API. Every test makes its own. */
  async createProduct(input: { price: string; stock: number; name?: string }): Promise<ProductJson> {
    const name = input.name ?? `Product ${Math.random().toString(36).slice(2, 8)}`;
    const res = await call('POST', `${this.product.url}/api/products/`, { name, price: input.price, stock: input.stock }, { auth: ADMIN });
    if (res.status !== 201) throw new Error(`creating a product failed: ${res.status} ${JSON.stringify(res.body)}`);
    return productJson.parse(res.body);
  }

  async stockOf(productId: number): Promise<number> {
    const res = await call('GET', `${this.product.url}/api/products/${productId}/`);
    if (res.status !== 200) throw new Error(`reading product ${productId} failed: ${res.status}`);
    return productJson.parse(res.body).stock;
  }

  createOrder(body: unknown, options: CallOptions = {}): Promise<HttpResult<OrderOutcomeJson>> {
    return call('POST', `${this.order.url}/api/orders/`, body, options) as Promise<HttpResult<OrderOutcomeJson>>;
  }

  getOrder(id: string, options: CallOptions = {}): Promise<HttpResult<OrderJson>> {
    return call('GET', `${this.order.url}/api/orders/${id}/`, undefined, options) as Promise<HttpResult<OrderJson>>;
  }

  /** The payment service's record of an order's payment, asked directly (never through a proxy). */
  getPayment(orderId: string): Promise<HttpResult<PaymentJson>> {
    return call('GET', `${this.payment.url}/api/payments/${orderId}/`) as Promise<HttpResult<PaymentJson>>;
  }

  /** Log lines of one process that carry this message. */
  logsWith(service: 'order' | 'product' | 'payment', msg: string): Record<string, unknown>[] {
    return this[service].logs.filter((entry) => entry.msg === msg);
  }

  /** Stops the processes and proxies this trio started. */
  async stop(): Promise<void> {
    await Promise.all([this.order.stop(), this.product.stop(), this.payment.stop()]);
    await Promise.all([this.productProxy?.close(), this.paymentProxy?.close()]);
  }
}

export async function startTrio(options: TrioOptions = {}): Promise<Trio> {
  const [product, payment] = await Promise.all([
    startServiceProcess('product', {
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: tempDatabaseUrl('product'),
      SEED_DEMO_PRODUCTS: 'false',
      ...options.productEnv,
    }),
    startServiceProcess('payment', { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: tempDatabaseUrl('payment'), ...options.paymentEnv }),
  ]);
  const productProxy = options.proxyProduct ? await startProxy(product.url) : undefined;
  const paymentProxy = options.proxyPayment ? await startProxy(payment.url) : undefined;
  const order = await startServiceProcess('order', {
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: tempDatabaseUrl('order'),
    PRODUCT_SERVICE_URL: productProxy?.url ?? product.url,
    PAYMENT_SERVICE_URL: paymentProxy?.url ?? payment.url,
    ...FAST_ORDER_ENV,
    ...options.orderEnv,
  });
  return new Trio(product, payment, order, productProxy, paymentProxy);
}

/** One HTTP call; the body is parsed as JSON when it is JSON. */
export async function call(method: string, url: string, body?: unknown, options: CallOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth) headers.Authorization = options.auth;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['Content-Type'] ??= 'application/json';
  const res = await fetch(url, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) parsed = JSON.parse(text);
  return { status: res.status, body: parsed, headers: res.headers };
}
