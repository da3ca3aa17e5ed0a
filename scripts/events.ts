// Prints order events as they arrive, one JSON line each (the event as the feed and the broker carry it):
//   npm run events -- [--source broker|feed] [--type TYPE]... [--from-start | --after ID] [--count N] [--interval MS]
// From RabbitMQ when RABBITMQ_URL is set: a queue of its own, bound to ORDER_EVENTS_EXCHANGE
// (order_events), removed when it stops. Otherwise from the order service's feed,
// GET /api/orders/events/ at ORDER_URL (http://127.0.0.1:8000), polled with an admin token signed
// with JWT_SECRET (the environment or .env), as `npm run token` signs one.
import { parseArgs } from 'node:util';
import { baseConfigSchema, createTokenService, loadConfig } from '@order-system/platform';
import { connect } from 'amqplib';
import { config as loadDotenv } from 'dotenv';

const USAGE = `Usage: npm run events -- [options]

Prints order events as they arrive, one JSON line each.

  --source broker|feed   where from: RabbitMQ (the default when RABBITMQ_URL is set) or the
                         order service's feed GET /api/orders/events/ (the default otherwise)
  --type TYPE            only events of this type (order.created, order.paid, order.cancelled,
                         order.shipped, order.delivered, order.refunded); may be repeated
  --from-start           feed only: begin with the oldest event kept (default: only new ones)
  --after ID             feed only: begin after the event with this id
  --count N              stop after printing N events
  --interval MS          feed only: how often to poll (default 1000)
  --help                 this text

Environment: RABBITMQ_URL, ORDER_EVENTS_EXCHANGE (order_events), ORDER_URL (http://127.0.0.1:8000),
JWT_SECRET (signs the admin token for the feed); a .env in the working directory is read.`;

const TYPES = ['order.created', 'order.paid', 'order.cancelled', 'order.shipped', 'order.delivered', 'order.refunded'];

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const OPTIONS = {
  source: { type: 'string' },
  type: { type: 'string', multiple: true },
  'from-start': { type: 'boolean' },
  after: { type: 'string' },
  count: { type: 'string' },
  interval: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

loadDotenv({ quiet: true });
let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>;
try {
  parsed = parseArgs({ options: OPTIONS, strict: true, allowPositionals: false });
} catch (err) {
  fail((err as Error).message);
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(2);
}

const brokerUrl = process.env.RABBITMQ_URL || undefined;
const source = values.source ?? (brokerUrl ? 'broker' : 'feed');
if (source !== 'broker' && source !== 'feed') fail('--source must be broker or feed');
if (source === 'broker' && !brokerUrl) fail('--source broker needs RABBITMQ_URL');
if (source === 'broker' && (values['from-start'] || values.after !== undefined || values.interval !== undefined)) {
  fail('--from-start, --after and --interval read the feed: add --source feed (a broker queue sees only what is published from now on)');
}
if (values['from-start'] && values.after !== undefined) fail('--from-start and --after exclude each other');
const types = values.type ?? [];
for (const type of types) if (!TYPES.includes(type)) fail(`--type must be one of ${TYPES.join(', ')}`);
const count = positive('--count', values.count);
const intervalMs = positive('--interval', values.interval) ?? 1000;
if (values.after !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.after)) {
  fail('--after must be an event id (a UUID)');
}

function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) fail(`${flag} must be a positive whole number`);
  return Number(value);
}

let printed = 0;
/** Prints one event; true once --count events have been printed. */
function print(text: string, type: string): boolean {
  if (types.length > 0 && !types.includes(type)) return false;
  process.stdout.write(`${text}\n`);
  printed += 1;
  return count !== undefined && printed >= count;
}

if (source === 'broker') await fromBroker(brokerUrl as string);
else await fromFeed();

async function fromBroker(url: string): Promise<void> {
  const exchange = process.env.ORDER_EVENTS_EXCHANGE || 'order_events';
  const model = await connect(url).catch((err: Error) => {
    console.error(`RabbitMQ cannot be reached (${err.message}); is RABBITMQ_URL right?`);
    process.exit(1);
  });
  const channel = await model.createChannel();
  // Declared as the order service declares it, so that the binding holds before the service's first event.
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  for (const key of types.length > 0 ? types : ['#']) await channel.bindQueue(queue, exchange, key);
  const stop = async (code: number) => {
    await model.close().catch(() => undefined);
    process.exit(code);
  };
  model.on('close', () => {
    console.error('the connection to RabbitMQ closed');
    process.exit(1);
  });
  model.on('error', () => undefined);
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  console.error(`order events from exchange ${exchange} at ${new URL(url).host} (Ctrl-C stops)`);
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      if (print(message.content.toString('utf8'), message.fields.routingKey)) void stop(0);
    },
    { noAck: true },
  );
}

async function fromFeed(): Promise<void> {
  const base = (process.env.ORDER_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
  const config = loadConfig(baseConfigSchema, process.env);
  const tokens = createTokenService(config.JWT_SECRET, { maxTtlSeconds: config.JWT_MAX_TTL_SECONDS });
  let token = '';
  let tokenAt = 0;
  const auth = () => {
    // A fresh token every ten minutes: access tokens live fifteen.
    if (Date.now() - tokenAt > 600_000) {
      token = tokens.sign({ sub: 'events-cli', role: 'admin' });
      tokenAt = Date.now();
    }
    return `Bearer ${token}`;
  };
  let stopping = false;
  process.once('SIGINT', () => {
    stopping = true;
  });
  process.once('SIGTERM', () => {
    stopping = true;
  });
  const page = async (after: string | undefined): Promise<{ id: string; type: string; text: string }[]> => {
    const url = `${base}/api/orders/events/?limit=100${after ? `&after=${after}` : ''}`;
    const res = await fetch(url, { headers: { Authorization: auth() }, signal: AbortSignal.timeout(30_000) });
    const body = await res.text();
    if (res.status !== 200) {
      console.error(`${url} answered ${res.status}: ${body}`);
      process.exit(1);
    }
    return (JSON.parse(body) as { id: string; type: string }[]).map((event) => ({
      id: event.id,
      type: event.type,
      text: JSON.stringify(event),
    }));
  };

  let after = values.after;
  let unreachable = false;
  // Without --from-start or --after: skip to the newest event, and print only what comes next.
  let skipping = !values['from-start'] && after === undefined;
  let announced = false;
  while (!stopping) {
    let events: { id: string; type: string; text: string }[];
    try {
      events = await page(after);
      if (unreachable) console.error('the order service answers again');
      unreachable = false;
    } catch (err) {
      if (!unreachable) console.error(`the order service cannot be reached at ${base} (${(err as Error).message}); retrying`);
      unreachable = true;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      continue;
    }
    for (const event of events) {
      after = event.id;
      if (!skipping && print(event.text, event.type)) process.exit(0);
    }
    if (events.length < 100) {
      skipping = false;
      if (!announced) console.error(`order events from ${base}/api/orders/events/ (Ctrl-C stops)`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
