// Drives a running trio (npm start; the bench never starts services) and prints one table:
// orders/s, p50/p90/p99 latency, statuses and CPU milliseconds per order of each service, read
// from process_cpu_seconds_total on /metrics before and after each phase (from /proc for a service
// without /metrics), then a product-read phase and the invariant checks over every order it placed.
//
//   npm run bench -- [flags]    (the flags and the environment it reads: USAGE below, or --help)
//
// Only loopback addresses are accepted, every loop is bounded in time and count, and the exit code
// is 1 when an invariant does not hold (2 for bad flags).
import { readFileSync, writeFileSync } from 'node:fs';
import { baseConfigSchema, createTokenService, loadConfig } from '@order-system/platform';
import { config as loadDotenv } from 'dotenv';
import { closedLoop, percentile } from './bench/closed-loop.js';
import { type CpuProbe, cpuProbe } from './bench/cpu-probe.js';
import { HttpClient, jsonHeaders } from './bench/http-client.js';
import { type BenchProduct, checkInvariants, type PlacedOrder } from './bench/invariants.js';
import {
  type BenchReport,
  formatRatio,
  formatTrio,
  type PhaseReport,
  SERVICES,
  type ServiceName,
  type TrioReport,
} from './bench/report.js';
import { parseCliArgs } from './cli-args.js';

/** Products the orders are spread over, each with far more stock than any run can take. */
const PRODUCT_COUNT = 8;
const PRODUCT_STOCK = 1_000_000;
/** A hard cap on the requests of one loop, whatever its duration. */
const MAX_REQUESTS_PER_LOOP = 500_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function usage(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function boundedInt(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) usage(`--${name} must be a whole number from ${min} to ${max}`);
  return value;
}

const USAGE = `usage: npm run bench -- [flags]     (pnpm bench [flags] with pnpm)
Drives the running trio (npm start; it never starts services): orders/s, latency percentiles,
answers by status and CPU per order of each service, then the invariants over every order placed.
  --concurrency 1,16,64   order phases, one per concurrency (each 1-256; at most 8 phases)
  --duration 10           seconds each phase is measured (1-300)
  --warmup 5              seconds of the same load before each phase, not measured (0-60)
  --read-concurrency 16   concurrency of the GET /api/products/{id}/ phase (0 skips it)
  --label A,B             names of the first and the second trio
  --json FILE             writes the whole report as JSON
  --compare FILE          prints this run's figures divided by those of an earlier --json report
Environment: BENCH_ORDER_URL, BENCH_PRODUCT_URL, BENCH_PAYMENT_URL (default 127.0.0.1:8000-8002);
BENCH_B_ORDER_URL, ... a second trio; JWT_SECRET (environment or .env) signs the admin token.
Exit code 1 when an invariant does not hold, 2 for bad flags.`;

loadDotenv({ quiet: true });
const values = parseCliArgs('bench', USAGE, {
  concurrency: { type: 'string', default: '1,16,64' },
  duration: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '5' },
  'read-concurrency': { type: 'string', default: '16' },
  label: { type: 'string', default: 'A,B' },
  json: { type: 'string' },
  compare: { type: 'string' },
});
const concurrencies = values.concurrency.split(',').map((c) => boundedInt('concurrency', c.trim(), 1, 256));
if (concurrencies.length > 8) usage('--concurrency takes at most 8 values');
const settings = {
  concurrency: concurrencies,
  durationSeconds: boundedInt('duration', values.duration, 1, 300),
  warmupSeconds: boundedInt('warmup', values.warmup, 0, 60),
  readConcurrency: boundedInt('read-concurrency', values['read-concurrency'], 0, 256),
};
const labels = values.label.split(',').map((l) => l.trim());

type Urls = Record<ServiceName, string>;

function trioUrls(prefix: string, defaults: boolean): Urls | null {
  const urls = {
    order: process.env[`${prefix}ORDER_URL`],
    product: process.env[`${prefix}PRODUCT_URL`],
    payment: process.env[`${prefix}PAYMENT_URL`],
  };
  const given = Object.values(urls).filter((u) => u !== undefined).length;
  if (given === 0 && !defaults) return null;
  if (!defaults && given < 3) usage(`set all of ${prefix}ORDER_URL, ${prefix}PRODUCT_URL and ${prefix}PAYMENT_URL, or none`);
  const result = {
    order: urls.order ?? 'http://127.0.0.1:8000',
    product: urls.product ?? 'http://127.0.0.1:8001',
    payment: urls.payment ?? 'http://127.0.0.1:8002',
  };
  for (const url of Object.values(result)) {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      usage(`${url} is not a URL`);
    }
    if (!LOOPBACK.has(host)) usage(`refusing to send load to ${url}: only loopback addresses are allowed`);
  }
  return result;
}

const trios = [trioUrls('BENCH_', true), trioUrls('BENCH_B_', false)].filter((t): t is Urls => t !== null);
const earlier = values.compare === undefined ? undefined : readReport(values.compare);
const config = loadConfig(baseConfigSchema, process.env);
const admin = `Bearer ${createTokenService(config.JWT_SECRET).sign({ sub: 'bench', role: 'admin' })}`;

function readReport(file: string): BenchReport {
  let report: BenchReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  } catch (err) {
    usage(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (report.format !== 'order-system-bench/1' || !Array.isArray(report.trios)) usage(`${file} is not a bench report`);
  return report;
}

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** Runs a warm-up, then the measured loop between two CPU readings of every service. */
async function phase(
  name: string,
  concurrency: number,
  probes: Record<ServiceName, CpuProbe>,
  send: (http: HttpClient, client: number, n: number) => Promise<string>,
): Promise<PhaseReport> {
  const http = new HttpClient(concurrency);
  const loop = (seconds: number) =>
    closedLoop({ concurrency, durationMs: seconds * 1000, maxRequests: MAX_REQUESTS_PER_LOOP, send: (c, n) => send(http, c, n) });
  try {
    progress(`${name}: ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured`);
    if (settings.warmupSeconds > 0) await loop(settings.warmupSeconds);
    const before = await readCpu(probes);
    const result = await loop(settings.durationSeconds);
    const after = await readCpu(probes);
    const perRequest = (service: ServiceName) => {
      const [b, a] = [before[service], after[service]];
      return a === null || b === null || result.requests === 0 ? null : ((a - b) * 1000) / result.requests;
    };
    const cpu = { order: perRequest('order'), product: perRequest('product'), payment: perRequest('payment') };
    const known = Object.values(cpu).filter((v): v is number => v !== null);
    return {
      name,
      concurrency,
      requests: result.requests,
      seconds: result.seconds,
      perSecond: result.requests / result.seconds,
      p50: percentile(result.latencies, 50),
      p90: percentile(result.latencies, 90),
      p99: percentile(result.latencies, 99),
      statuses: result.statuses,
      cpuMs: {
        ...cpu,
        trio: known.length === 3 ? known.reduce((sum, v) => sum + v, 0) : null,
        bench: result.requests === 0 ? 0 : result.benchCpuMs / result.requests,
      },
    };
  } finally {
    http.close();
  }
}

async function readCpu(probes: Record<ServiceName, CpuProbe>): Promise<Record<ServiceName, number | null>> {
  const [order, product, payment] = await Promise.all(SERVICES.map((s) => probes[s].read()));
  return { order: order ?? null, product: product ?? null, payment: payment ?? null };
}

async function benchTrio(label: string, urls: Urls, control: HttpClient): Promise<TrioReport> {
  for (const service of SERVICES) {
    const health = await control.send({ method: 'GET', url: new URL('/health', urls[service]) });
    if (health.status !== 200) {
      console.error(`bench: ${service} at ${urls[service]} does not answer /health; start the trio first (npm start)`);
      process.exit(1);
    }
  }
  const probes = {} as Record<ServiceName, CpuProbe>;
  for (const service of SERVICES) probes[service] = await cpuProbe(control, urls[service]);

  const runTag = `${label}-${Date.now().toString(36)}`;
  const products: BenchProduct[] = [];
  for (let i = 0; i < PRODUCT_COUNT; i++) {
    const body = Buffer.from(JSON.stringify({ name: `bench ${runTag} #${i}`, price: '1.00', stock: PRODUCT_STOCK }));
    const created = await control.json<{ id?: number }>({
      method: 'POST',
      url: new URL('/api/products/', urls.product),
      headers: jsonHeaders(body, admin),
      body,
    });
    if (created.status !== 201 || typeof created.body?.id !== 'number') {
      console.error(`bench: could not create a product (${created.status}): ${JSON.stringify(created.body)}`);
      process.exit(1);
    }
    products.push({ id: created.body.id, initialStock: PRODUCT_STOCK });
  }

  // One body per product, built once: a request then allocates nothing of its own before it is sent.
  const ordersUrl = new URL('/api/orders/', urls.order);
  const requests = products.map((product) => {
    const body = Buffer.from(JSON.stringify({ customer_name: `bench ${runTag}`, items: [{ product_id: product.id, quantity: 1 }] }));
    return { productId: product.id, body, headers: jsonHeaders(body) };
  });
  const placed: PlacedOrder[] = [];
  let unanswered = 0;
  const placeOrder = async (http: HttpClient, client: number): Promise<string> => {
    const request = requests[client % requests.length]!;
    const answer = await http.send({ method: 'POST', url: ordersUrl, headers: request.headers, body: request.body });
    if (answer.status === 0) {
      unanswered++;
      return 'no answer';
    }
    let order: { id?: string; status?: string; total_amount?: string; code?: string } | null = null;
    try {
      order = JSON.parse(answer.body);
    } catch {
      // Not JSON: counted under its status alone.
    }
    if (order?.id && order.status) {
      placed.push({ id: order.id, productId: request.productId, quantity: 1, status: order.status, total: order.total_amount ?? '' });
    }
    return order?.code ? `${answer.status} ${order.code}` : String(answer.status);
  };

  const phases: PhaseReport[] = [];
  for (const concurrency of settings.concurrency) {
    phases.push(await phase(`POST /api/orders/ c=${concurrency}`, concurrency, probes, placeOrder));
  }
  if (settings.readConcurrency > 0) {
    const productUrl = new URL(`/api/products/${products[0]!.id}/`, urls.product);
    phases.push(
      await phase(`GET /api/products/{id}/ c=${settings.readConcurrency}`, settings.readConcurrency, probes, async (http) => {
        const answer = await http.send({ method: 'GET', url: productUrl, readBody: false });
        return answer.status === 0 ? 'no answer' : String(answer.status);
      }),
    );
  }

  progress(`checking invariants over ${placed.length} orders`);
  const invariants = await checkInvariants(
    control,
    { orderUrl: urls.order, productUrl: urls.product, paymentUrl: urls.payment, admin },
    placed,
    products,
    unanswered,
  );
  return {
    label,
    urls,
    cpuSources: { order: probes.order.source, product: probes.product.source, payment: probes.payment.source },
    phases,
    invariants,
  };
}

async function main(): Promise<void> {
  const report: BenchReport = { format: 'order-system-bench/1', startedAt: new Date().toISOString(), settings, trios: [] };
  const control = new HttpClient(16);
  try {
    for (const [index, urls] of trios.entries()) {
      const trio = await benchTrio(labels[index] ?? String.fromCharCode(65 + index), urls, control);
      report.trios.push(trio);
      console.log(`\n${formatTrio(trio)}`);
    }
  } finally {
    control.close();
  }
  const [first, second] = report.trios;
  if (first && second) console.log(`\n${formatRatio(`ratio ${second.label}/${first.label}:`, second, first)}`);
  if (earlier) {
    for (const [index, trio] of report.trios.entries()) {
      const before = earlier.trios.find((t) => t.label === trio.label) ?? earlier.trios[index];
      if (before) console.log(`\n${formatRatio(`ratio ${trio.label} / ${values.compare} (${before.label}):`, trio, before)}`);
    }
  }
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
    progress(`report written to ${values.json}`);
  }
  if (report.trios.some((t) => !t.invariants.ok)) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
