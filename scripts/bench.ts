// Drives the running trio (npm start) and prints throughput and latency figures.
//   pnpm bench [--orders 300] [--concurrency 16]
// It only talks to loopback addresses, and every loop is bounded in count.
import { parseArgs } from 'node:util';
import { baseConfigSchema, createTokenService, loadConfig } from '@order-system/platform';
import { config as loadDotenv } from 'dotenv';

loadDotenv({ quiet: true });
const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    reads: { type: 'string', default: '2000' },
  },
});
const ORDERS = Math.min(Number(values.orders), 5000);
const CONCURRENCY = Math.min(Number(values.concurrency), 128);
const READS = Math.min(Number(values.reads), 20000);

const ORDER_URL = process.env.BENCH_ORDER_URL ?? 'http://127.0.0.1:8000';
const PRODUCT_URL = process.env.BENCH_PRODUCT_URL ?? 'http://127.0.0.1:8001';
const PAYMENT_URL = process.env.BENCH_PAYMENT_URL ?? 'http://127.0.0.1:8002';
for (const url of [ORDER_URL, PRODUCT_URL, PAYMENT_URL]) {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    console.error(`bench: refusing to send load to ${url}: only loopback addresses are allowed`);
    process.exit(2);
  }
}

const config = loadConfig(baseConfigSchema, process.env);
const tokens = createTokenService(config.JWT_SECRET);
const admin = `Bearer ${tokens.sign({ sub: 'bench', role: 'admin' })}`;

async function call(method: string, url: string, body?: unknown, auth?: string): Promise<{ status: number; body: Json; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, ms: performance.now() - started };
}

// Bench answers are read loosely: a field that is missing shows up as a mismatch in the report.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = any;

/** Runs `count` tasks with at most `concurrency` in flight; returns results and wall time. */
async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<{ results: T[]; seconds: number }> {
  const results: T[] = new Array(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return { results, seconds: (performance.now() - started) / 1000 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function report(name: string, samples: { status: number; ms: number }[], seconds: number): void {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const statuses: Record<number, number> = {};
  for (const s of samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  console.log(
    `${name.padEnd(34)} n=${String(samples.length).padEnd(5)} ${(samples.length / seconds).toFixed(1).padStart(7)} req/s   ` +
      `p50 ${percentile(ms, 50).toFixed(1)} ms  p95 ${percentile(ms, 95).toFixed(1)} ms  p99 ${percentile(ms, 99).toFixed(1)} ms  ` +
      `statuses ${JSON.stringify(statuses)}`,
  );
}

async function main(): Promise<void> {
  for (const url of [ORDER_URL, PRODUCT_URL, PAYMENT_URL]) {
    const res = await fetch(`${url}/health`).catch(() => null);
    if (!res?.ok) {
      console.error(`bench: ${url} does not answer /health; start the services first (npm start)`);
      process.exit(1);
    }
  }
  console.log(`order-system bench: orders=${ORDERS} concurrency=${CONCURRENCY} reads=${READS}\n`);

  const product = await call('POST', `${PRODUCT_URL}/api/products/`, { name: 'Bench item', price: '1.00', stock: ORDERS * 2 }, admin);
  if (product.status !== 201) throw new Error(`could not create a product: ${JSON.stringify(product.body)}`);
  const productId = product.body.id as number;

  const reads = await pool(READS, CONCURRENCY, () => call('GET', `${PRODUCT_URL}/api/products/${productId}/`));
  report('GET product', reads.results, reads.seconds);

  const orders = await pool(ORDERS, CONCURRENCY, (i) =>
    call('POST', `${ORDER_URL}/api/orders/`, { customer_name: `bench-${i}`, items: [{ product_id: productId, quantity: 1 }] }),
  );
  report('POST order (reserve + charge)', orders.results, orders.seconds);

  const sample = orders.results.filter((r) => r.status === 201).slice(0, READS);
  const orderReads = await pool(sample.length, CONCURRENCY, (i) => call('GET', `${ORDER_URL}/api/orders/${sample[i]?.body.id}/`));
  report('GET order', orderReads.results, orderReads.seconds);

  const stock = Math.max(1, Math.floor(CONCURRENCY / 2));
  const scarce = await call('POST', `${PRODUCT_URL}/api/products/`, { name: 'Scarce item', price: '2.50', stock }, admin);
  const race = await pool(CONCURRENCY * 4, CONCURRENCY * 4, (i) =>
    call('POST', `${ORDER_URL}/api/orders/`, { customer_name: `race-${i}`, product_ids: [scarce.body.id] }),
  );
  report(`POST order, ${CONCURRENCY * 4} racing for stock ${stock}`, race.results, race.seconds);
  const paid = race.results.filter((r) => r.body?.status === 'PAID').length;
  const left = (await call('GET', `${PRODUCT_URL}/api/products/${scarce.body.id}/`)).body.stock;
  console.log(
    `\ncontention check: ${paid} PAID for stock ${stock}, stock left ${left} -> ${paid === stock && left === 0 ? 'OK' : 'MISMATCH'}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
