import { type OrderJson, type OrderOutcomeJson, type PaymentJson, type ProductJson, productJson } from '@order-system/contracts';
import {
  bearer,
  migratedDatabaseUrl,
  type ServiceName,
  type ServiceProcess,
  startProxy,
  startServiceProcess,
  type TcpProxy,
  TEST_JWT_SECRET,
} from '@order-system/testing';
import { startInProcessService } from './in-process.js';

/**
 * The three real services, each with its own new database, wired together over real HTTP on
 * 127.0.0.1 as they are deployed; optionally with a fault proxy between the order service and a
 * neighbour. Each runs inside the test process (its own config, composition root, app and HTTP
 * server, as its main.ts builds them) unless `processes` asks for three processes of their own.
 */
export interface TrioOptions {
  /**
   * Start each service as its own process (compiled, as npm start runs it), for a test that kills,
   * pauses or restarts one. Inside the test process otherwise, where `kill` and `pid` refuse.
   */
  processes?: boolean;
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
  // On PostgreSQL: a killed order process's orders are free for its successor this soon.
  ORDER_LEASE_TTL_MS: '3000',
};

export const ADMIN = bearer('admin', 'admin');

export class Trio {
  /** Every order process this trio started; `order` is the latest. */
  readonly #orderProcesses: ServiceProcess[];

  constructor(
    readonly product: ServiceProcess,
    readonly payment: ServiceProcess,
    public order: ServiceProcess,
    readonly productProxy: TcpProxy | undefined,
    readonly paymentProxy: TcpProxy | undefined,
    /** The environment the order service was started with (its DATABASE_URL included). */
    readonly orderEnv: Record<string, string> = {},
    /** How the order service is started again (restartOrder): as a process, or inside the test process. */
    readonly startService: ServiceStarter = startServiceProcess,
  ) {
    this.#orderProcesses = [order];
  }

  /**
   * Starts the order service again on the same database and neighbours, with `overrides` on top of
   * its first environment; the previous process must have been stopped or killed. `order` (and its
   * url) then point at the new process.
   */
  async restartOrder(overrides: Record<string, string> = {}): Promise<ServiceProcess> {
    this.order = await this.startService('order', { ...this.orderEnv, ...overrides });
    this.#orderProcesses.push(this.order);
    return this.order;
  }

  listOrders(query = '', options: CallOptions = {}): Promise<HttpResult<OrderJson[]>> {
    return call('GET', `${this.order.url}/api/orders/${query}`, undefined, options) as Promise<HttpResult<OrderJson[]>>;
  }

  cancelOrder(id: string, body?: unknown, options: CallOptions = {}): Promise<HttpResult<OrderOutcomeJson>> {
    return call('POST', `${this.order.url}/api/orders/${id}/cancel/`, body, options) as Promise<HttpResult<OrderOutcomeJson>>;
  }

  setOrderStatus(id: string, status: unknown, options: CallOptions = {}): Promise<HttpResult<OrderOutcomeJson>> {
    return call('PATCH', `${this.order.url}/api/orders/${id}/status/`, { status }, options) as Promise<HttpResult<OrderOutcomeJson>>;
  }

  /** Every order, read through the admin list (all pages). */
  async allOrders(): Promise<OrderJson[]> {
    const orders: OrderJson[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await this.listOrders(`?limit=100&offset=${offset}`, { auth: ADMIN });
      if (page.status !== 200) throw new Error(`listing orders failed: ${page.status} ${JSON.stringify(page.body)}`);
      orders.push(...page.body);
      if (orders.length >= Number(page.headers.get('x-total-count'))) return orders;
    }
  }

  /**
   * The contract's invariants over every order of this trio and the given products (with the stock
   * they were created with): no cancelled order keeps a completed payment; every PAID, SHIPPED or
   * DELIVERED order has a completed payment of its total; each product's stock is its initial stock
   * minus what live orders hold, and never negative. Returns the violations (empty when none).
   */
  async invariantViolations(products: { id: number; initialStock: number }[]): Promise<string[]> {
    const problems: string[] = [];
    const held = new Map<number, number>();
    for (const order of await this.allOrders()) {
      const payment = await this.getPayment(order.id);
      const charged = payment.status === 200 && payment.body.status === 'COMPLETED';
      if (order.status === 'CANCELLED' && charged) problems.push(`order ${order.id} is CANCELLED with a COMPLETED payment`);
      if (order.status === 'PENDING') problems.push(`order ${order.id} is still PENDING`);
      if (['PAID', 'SHIPPED', 'DELIVERED'].includes(order.status)) {
        if (!charged || payment.body.amount !== order.total_amount)
          problems.push(`order ${order.id} is ${order.status} without its payment`);
        for (const item of order.items) held.set(item.product_id, (held.get(item.product_id) ?? 0) + item.quantity);
      }
    }
    for (const product of products) {
      const stock = await this.stockOf(product.id);
      const expected = product.initialStock - (held.get(product.id) ?? 0);
      if (stock !== expected) problems.push(`product ${product.id} has stock ${stock}, expected ${expected}`);
      if (stock < 0) problems.push(`product ${product.id} has negative stock ${stock}`);
    }
    return problems;
  }

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
    await Promise.all([...this.#orderProcesses.map((order) => order.stop()), this.product.stop(), this.payment.stop()]);
    await Promise.all([this.productProxy?.close(), this.paymentProxy?.close()]);
  }
}

type ServiceStarter = (name: ServiceName, env: Record<string, string>) => Promise<ServiceProcess>;

export async function startTrio(options: TrioOptions = {}): Promise<Trio> {
  const start: ServiceStarter = options.processes ? startServiceProcess : startInProcessService;
  const [product, payment] = await Promise.all([
    start('product', {
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: migratedDatabaseUrl('product'),
      SEED_DEMO_PRODUCTS: 'false',
      ...options.productEnv,
    }),
    start('payment', { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: migratedDatabaseUrl('payment'), ...options.paymentEnv }),
  ]);
  const productProxy = options.proxyProduct ? await startProxy(product.url) : undefined;
  const paymentProxy = options.proxyPayment ? await startProxy(payment.url) : undefined;
  const orderEnv = {
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: migratedDatabaseUrl('order'),
    PRODUCT_SERVICE_URL: productProxy?.url ?? product.url,
    PAYMENT_SERVICE_URL: paymentProxy?.url ?? payment.url,
    ...FAST_ORDER_ENV,
    ...options.orderEnv,
  };
  const order = await start('order', orderEnv);
  return new Trio(product, payment, order, productProxy, paymentProxy, orderEnv, start);
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
