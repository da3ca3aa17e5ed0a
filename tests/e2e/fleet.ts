import {
  type RoundRobin,
  type ServiceProcess,
  startProxy,
  startRoundRobin,
  startServiceProcess,
  type TcpProxy,
  TEST_JWT_SECRET,
  tempDatabaseUrl,
} from '@order-system/testing';
import pg from 'pg';

/**
 * Every service twice, on PostgreSQL: two replicas of each service share that service's database,
 * with a round-robin balancer in front of each pair, as the services are deployed at scale. The
 * order replicas call product and payment through their balancers; the first order replica's
 * calls also pass fault proxies (productProxy, paymentProxy) so that a test can hold its
 * reservations and charges, or their answers.
 */
export class Fleet {
  constructor(
    readonly products: ServiceProcess[],
    readonly payments: ServiceProcess[],
    readonly orders: ServiceProcess[],
    readonly balancers: { product: RoundRobin; payment: RoundRobin; order: RoundRobin },
    /** Between the first order replica and the payment balancer. */
    readonly paymentProxy: TcpProxy,
    /** Between the first order replica and the product balancer. */
    readonly productProxy: TcpProxy,
    readonly databases: { product: pg.Client; payment: pg.Client; order: pg.Client },
    /** Each service's DATABASE_URL, for a further replica. */
    readonly databaseUrls: { product: string; payment: string; order: string },
  ) {}

  async stop(): Promise<void> {
    await Promise.all([...this.orders, ...this.products, ...this.payments].map((service) => service.stop()));
    await Promise.all([...Object.values(this.balancers).map((b) => b.close()), this.paymentProxy.close(), this.productProxy.close()]);
    await Promise.all(Object.values(this.databases).map((client) => client.end()));
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

export async function startFleet(orderEnv: Record<string, string>): Promise<Fleet> {
  const urls = { product: tempDatabaseUrl('product'), payment: tempDatabaseUrl('payment'), order: tempDatabaseUrl('order') };
  const twice = (name: 'product' | 'payment', env: Record<string, string>) =>
    Promise.all([1, 2].map(() => startServiceProcess(name, { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: urls[name], ...env })));
  // Replicas of a service start at the same moment, on one fresh database: their migrations meet.
  const [products, payments] = await Promise.all([twice('product', { SEED_DEMO_PRODUCTS: 'false' }), twice('payment', {})]);
  const product = await startRoundRobin(products.map((p) => p.url));
  const payment = await startRoundRobin(payments.map((p) => p.url));
  const paymentProxy = await startProxy(payment.url);
  const productProxy = await startProxy(product.url);
  const env = { JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: urls.order, ...orderEnv };
  const orders = await Promise.all([
    startServiceProcess('order', { ...env, PRODUCT_SERVICE_URL: productProxy.url, PAYMENT_SERVICE_URL: paymentProxy.url }),
    startServiceProcess('order', { ...env, PRODUCT_SERVICE_URL: product.url, PAYMENT_SERVICE_URL: payment.url }),
  ]);
  const order = await startRoundRobin(orders.map((o) => o.url));
  const databases = { product: await connect(urls.product), payment: await connect(urls.payment), order: await connect(urls.order) };
  return new Fleet(products, payments, orders, { product, payment, order }, paymentProxy, productProxy, databases, urls);
}
