// The Dockerfile and both compose files, built and run unchanged on a real Docker engine that the
// test starts for itself (see engine/docker-engine.ts), on stand-ins for the base images built
// offline (engine/stand-ins.ts). Run it with `npm run test:docker` (root, Docker and debootstrap
// installed); `npm test` does not, and says why it could not where it cannot.
//
// The steps build on each other, in order: the image, then docker-compose.yml (up, the README's curl
// session, down and up again, a bad setting, down -v), then docker-compose.scale.yml (up, the
// session through the load balancers, an order replica killed under load, down and up, down -v).
// Afterwards the engine is stopped and the host is checked to be as it was.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dockerTestBlockers } from '../../scripts/docker/prerequisites.mjs';
import { type ComposeProject, composeProject } from './engine/compose.js';
import { type DockerEngine, startDockerEngine } from './engine/docker-engine.js';
import { poll, request } from './engine/http.js';
import { expectReadmeSessionAnswers, runReadmeSession } from './engine/readme-session.js';
import { debianStandIn, nodeStandIn, packageStandIn, type StandInContext } from './engine/stand-ins.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Images, build cache and stand-ins are kept here between runs (the engine's data root). */
const CACHE_DIR = process.env.ORDER_SYSTEM_DOCKER_CACHE || join(homedir(), '.cache', 'order-system', 'docker-test');
const IMAGE = 'order-system:local';
/** The target for the application's layers on top of the base image. */
const MAX_APPLICATION_MB = 150;
const ADMIN_CREDENTIALS = { username: 'admin', password: 'admin-dev-password' };
const MINUTE = 60_000;

const blockers = dockerTestBlockers();
if (blockers.length > 0) console.warn(`The Docker engine test is skipped: ${blockers.join('; ')}`);

const say = (line: string) => console.log(`[docker] ${line}`);
const timings: [string, number][] = [];
async function timed<T>(step: string, action: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await action();
  } finally {
    timings.push([step, Date.now() - start]);
    say(`${step}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
}

/** The base image the Dockerfile starts from (`node:24-bookworm-slim`), its Node major and Debian suite. */
function dockerfileBase(): { tag: string; major: number; suite: string } {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const version = /^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile)?.[1];
  const from = /^FROM (\S+) AS base$/m.exec(dockerfile)?.[1];
  if (!version || !from) throw new Error('the Dockerfile has no ARG NODE_VERSION=<major> and FROM ... AS base');
  const tag = from.replace(/\$\{NODE_VERSION\}/, version);
  const suite = /^node:\d+-(\w+)-slim$/.exec(tag)?.[1];
  if (!suite) throw new Error(`the Dockerfile's base ${tag} is not node:<major>-<debian suite>-slim`);
  return { tag, major: Number(version), suite };
}

/** The images docker-compose.scale.yml takes from a registry: its PostgreSQL and its nginx. */
function scaleImages(): { postgres: string; nginx: string } {
  const { services } = parse(readFileSync(join(REPO_ROOT, 'docker-compose.scale.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; build?: unknown }>;
  };
  const images = Object.values(services)
    .filter((service) => service.build === undefined)
    .map((service) => service.image ?? '');
  const postgres = images.find((image) => image.startsWith('postgres:'));
  const nginx = images.find((image) => image.startsWith('nginx:'));
  if (!postgres || !nginx) throw new Error(`docker-compose.scale.yml: expected a postgres and an nginx image, found ${images.join(', ')}`);
  return { postgres, nginx };
}

/** The RabbitMQ image a compose file runs (its `rabbitmq` service). */
function brokerImage(file: string): string {
  const { services } = parse(readFileSync(join(REPO_ROOT, file), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string }>;
  };
  const image = services.rabbitmq?.image;
  if (!image?.startsWith('rabbitmq:')) throw new Error(`${file}: expected a rabbitmq service on a rabbitmq image, found ${image}`);
  return image;
}

/** The compose files' RabbitMQ user (the default of RABBITMQ_PASSWORD: the test's env files do not set it). */
const BROKER_CREDENTIALS = `Basic ${Buffer.from('order-system:order-system-demo').toString('base64')}`;
/** The queue the test binds to the order events exchange, through the management API. */
const EVENTS_QUEUE = 'docker-test-order-events';

/** A call to RabbitMQ's management API (at `management`, the published UI port) as the compose files' user. */
function management<T = unknown>(management: string, method: string, path: string, body?: unknown) {
  return request<T>(method, `${management}/api${path}`, { body, headers: { authorization: BROKER_CREDENTIALS } });
}

interface Urls {
  order: string;
  product: string;
  payment: string;
}
type OrderJson = {
  id: string;
  status: string;
  total_amount: string;
  customer_name: string;
  code?: string;
  cancellation_reason?: string | null;
};

async function adminToken(urls: Urls): Promise<string> {
  const res = await request<{ access: string }>('POST', `${urls.product}/api/token/`, { body: ADMIN_CREDENTIALS });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.access;
}

/** Every order, oldest first, read page by page as an admin. */
async function allOrders(urls: Urls, token: string): Promise<OrderJson[]> {
  const orders: OrderJson[] = [];
  for (let offset = 0; ; offset += 100) {
    const res = await request<OrderJson[]>('GET', `${urls.order}/api/orders/?limit=100&offset=${offset}`, { token });
    expect(res.status).toBe(200);
    orders.push(...res.body);
    if (orders.length >= Number(res.headers.get('x-total-count'))) return orders.reverse();
  }
}

async function waitReady(urls: Urls, timeoutMs = 3 * MINUTE): Promise<void> {
  for (const url of Object.values(urls)) {
    await poll(`${url}/ready`, async () => (await request('GET', `${url}/ready`, { timeoutMs: 5000 })).status === 200, timeoutMs);
  }
}

/** The README's curl session, its answers printed, checked by the checker tests/e2e/readme-session.test.ts uses too. */
async function readmeSessionAnswers(urls: Urls): Promise<{ orderId: string }> {
  const result = await runReadmeSession(REPO_ROOT, urls);
  say(`the README's curl session answered:\n${result.stdout}${result.stderr}`);
  return { orderId: expectReadmeSessionAnswers(result, urls.order) };
}

async function publishedUrls(compose: ComposeProject, services: { order: string; product: string; payment: string }): Promise<Urls> {
  return {
    order: await compose.url(services.order, 8000),
    product: await compose.url(services.product, 8001),
    payment: await compose.url(services.payment, 8002),
  };
}

async function projectVolumes(engine: DockerEngine, project: string): Promise<string[]> {
  const { stdout } = await engine.docker(['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
  return stdout.split('\n').filter(Boolean).sort();
}

describe.skipIf(blockers.length > 0)('the Dockerfile and the compose files on a real Docker engine', () => {
  let engine: DockerEngine;
  let standIns: StandInContext;
  const base = dockerfileBase();
  const workDir = mkdtempSync(join(tmpdir(), 'order-system-docker-test-'));
  const log = join(CACHE_DIR, 'logs', 'compose.log');

  beforeAll(async () => {
    say(`engine data, images and build cache in ${CACHE_DIR}; build logs in ${join(CACHE_DIR, 'logs')}`);
    engine = await timed('engine start', () => startDockerEngine(CACHE_DIR, say));
    standIns = { engine, cacheDir: CACHE_DIR, say };
    const debian = await timed(`${base.suite} stand-in (debootstrap)`, () => debianStandIn(standIns, base.suite));
    await timed(`${base.tag} stand-in`, () => nodeStandIn(standIns, base.tag, base.major, debian));
  }, 40 * MINUTE);

  afterAll(async () => {
    rmSync(workDir, { recursive: true, force: true });
    if (!engine) return;
    const differences = await timed('engine stop and host restore', () => engine.stop());
    say(`times:\n${timings.map(([step, ms]) => `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${step}`).join('\n')}`);
    expect(differences, 'the host is as it was before the engine started').toEqual([]);
    say('engine stopped; links, firewall rules, sysctls and directories are as they were');
  }, 5 * MINUTE);

  describe('docker-compose.yml', () => {
    let compose: ComposeProject;
    let urls: Urls;
    let sessionOrderId: string;
    const project = 'ordersys-single';

    let managementUrl: string;

    beforeAll(async () => {
      const debian = await debianStandIn(standIns, base.suite);
      const broker = brokerImage('docker-compose.yml');
      await timed(`${broker} stand-in`, () => packageStandIn(standIns, 'rabbitmq', broker, debian));
      // A .env of the test's own: a setting in it must reach the services (CORS_ORIGINS here).
      const envFile = join(workDir, 'single.env');
      writeFileSync(envFile, 'CORS_ORIGINS=http://shop.example\n');
      // Host ports 0: any free ones, read back with `compose port`. PUBLISH_ADDRESS is not set: the default is checked.
      compose = composeProject(engine, {
        dir: REPO_ROOT,
        file: 'docker-compose.yml',
        project,
        envFile,
        env: { ORDER_PORT: '0', PRODUCT_PORT: '0', PAYMENT_PORT: '0', RABBITMQ_MANAGEMENT_PORT: '0' },
        log,
      });
      say(`Compose client: ${compose.client}`);
    }, 30 * MINUTE);

    it(
      `builds the image with the project's Dockerfile, its application layers at most ${MAX_APPLICATION_MB} MB on the base image`,
      async () => {
        await timed('image build (compose build)', () => compose.run(['build'], { timeoutMs: 60 * MINUTE }));

        const inspect = async (image: string) =>
          JSON.parse((await engine.docker(['image', 'inspect', image])).stdout)[0] as { Size: number; RootFS: { Layers: string[] } };
        const [app, baseImage] = [await inspect(IMAGE), await inspect(base.tag)];
        expect(app.RootFS.Layers.slice(0, baseImage.RootFS.Layers.length)).toEqual(baseImage.RootFS.Layers);
        const history = async (image: string) =>
          (await engine.docker(['history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', image])).stdout
            .split('\n')
            .filter(Boolean)
            .map((line) => line.split('\t') as [string, string]);
        // Newest first: the application's steps are those above the base image's.
        const baseSteps = (await history(base.tag)).length;
        const layers = (await history(IMAGE)).slice(0, -baseSteps).filter(([size]) => Number(size) > 100_000);
        const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
        const applicationBytes = app.Size - baseImage.Size;
        say(
          `image ${IMAGE}: ${mb(app.Size)} = base ${base.tag} ${mb(baseImage.Size)} + application layers ${mb(applicationBytes)}` +
            ` (before this Dockerfile: 546 MB, of which node_modules 543 MB)\n` +
            layers
              .map(
                ([size, createdBy]) =>
                  `  ${mb(Number(size)).padStart(9)}  ${createdBy
                    .replace(/^\/bin\/sh -c (#\(nop\) )?/, '')
                    .replace(/ (dir|file):[0-9a-f]+/, '')
                    .replace(/\s+/g, ' ')
                    .slice(0, 100)}`,
              )
              .join('\n'),
        );
        expect(applicationBytes / 1e6).toBeLessThanOrEqual(MAX_APPLICATION_MB);
      },
      70 * MINUTE,
    );

    it(
      'starts product, payment, then order, each ready, published on 127.0.0.1 only',
      async () => {
        await timed('single: up until ready', async () => {
          await compose.run(['up', '-d'], { timeoutMs: 10 * MINUTE });
          urls = await publishedUrls(compose, { order: 'order', product: 'product', payment: 'payment' });
          await waitReady(urls);
        });
        say(`published: ${JSON.stringify(urls)}`);
        for (const url of Object.values(urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      },
      15 * MINUTE,
    );

    it(
      "has RabbitMQ's management UI on 127.0.0.1, and the order service's events exchange on the broker",
      async () => {
        managementUrl = await compose.url('rabbitmq', 15672);
        expect(managementUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        // The order service declares the exchange once it is connected; a queue bound to it from now
        // on receives what the session below publishes.
        await poll(
          'the order_events exchange',
          async () => (await management(managementUrl, 'GET', '/exchanges/%2F/order_events')).status === 200,
          MINUTE,
        );
        const exchange = await management<{ type: string; durable: boolean }>(managementUrl, 'GET', '/exchanges/%2F/order_events');
        expect(exchange.body).toMatchObject({ type: 'topic', durable: true });
        expect((await management(managementUrl, 'PUT', `/queues/%2F/${EVENTS_QUEUE}`, { durable: true })).status).toBeLessThan(300);
        const bound = await management(managementUrl, 'POST', `/bindings/%2F/e/order_events/q/${EVENTS_QUEUE}`, { routing_key: 'order.#' });
        expect(bound.status).toBe(201);
      },
      2 * MINUTE,
    );

    it(
      "answers the README's curl session",
      async () => {
        ({ orderId: sessionOrderId } = await timed('single: README session', () => readmeSessionAnswers(urls)));
      },
      5 * MINUTE,
    );

    it(
      "publishes the session's order events to RabbitMQ: each once, in sequence, as the events feed has them",
      async () => {
        type Message = { routing_key: string; payload: string; properties: { message_id?: string; delivery_mode?: number } };
        type Event = { id: string; type: string; order_id: string; sequence: number; order: { id: string; status: string } };
        const token = await adminToken(urls);
        // Every event of the session's order, from the order service's own feed.
        const feed: Event[] = [];
        for (let after = ''; ; ) {
          const page = await request<Event[]>('GET', `${urls.order}/api/orders/events/?limit=100${after && `&after=${after}`}`, { token });
          expect(page.status).toBe(200);
          feed.push(...page.body);
          if (page.body.length < 100) break;
          after = page.body.at(-1)!.id;
        }
        const expected = feed.filter((event) => event.order_id === sessionOrderId);
        expect(expected.map((event) => event.type).slice(0, 2)).toEqual(['order.created', 'order.paid']);
        expect(expected.map((event) => event.type)).toContain('order.refunded');

        // What reached the queue (every order's events; the session's are checked).
        const received: Event[] = [];
        await poll(
          "the session order's events on the queue",
          async () => {
            const got = await management<Message[]>(managementUrl, 'POST', `/queues/%2F/${EVENTS_QUEUE}/get`, {
              count: 500,
              ackmode: 'ack_requeue_false',
              encoding: 'auto',
            });
            expect(got.status).toBe(200);
            for (const message of got.body) {
              const event = JSON.parse(message.payload) as Event;
              expect(message.routing_key).toBe(event.type);
              expect(message.properties).toMatchObject({ message_id: event.id, delivery_mode: 2 });
              if (event.order_id === sessionOrderId) received.push(event);
            }
            return received.length >= expected.length;
          },
          MINUTE,
        );
        expect(received.map((event) => [event.id, event.type, event.sequence])).toEqual(
          expected.map((event) => [event.id, event.type, event.sequence]),
        );
        expect(received.map((event) => event.sequence)).toEqual(expected.map((_, i) => i + 1));
        say(`RabbitMQ received the session order's events: ${received.map((event) => event.type).join(', ')}`);
      },
      3 * MINUTE,
    );

    it('passes a setting of the env file to the services, and no unset one', async () => {
      for (const url of Object.values(urls)) {
        const res = await request('GET', `${url}/health`, { headers: { origin: 'http://shop.example' } });
        expect(res.headers.get('access-control-allow-origin'), url).toBe('http://shop.example');
      }
      // What the service's process sees: the setting that is set, and none of those left unset.
      const script = 'console.log(JSON.stringify(process.env))';
      const { stdout } = await engine.docker(['exec', await compose.container('order'), 'node', '-e', script]);
      const env = JSON.parse(stdout) as Record<string, string>;
      expect(env).toMatchObject({ CORS_ORIGINS: 'http://shop.example', SERVICE: 'order', PORT: '8000' });
      expect(Object.keys(env).filter((name) => ['TRUST_PROXY', 'RECOVERY_GRACE_MS', 'JWT_SECRET'].includes(name))).toEqual([]);
    });

    it(
      'keeps every order across down and up (the named volumes)',
      async () => {
        const token = await adminToken(urls);
        const before = await allOrders(urls, token);
        expect(before.map((o) => o.id)).toContain(sessionOrderId);

        await timed('single: down, up until ready', async () => {
          await compose.run(['down'], { timeoutMs: 5 * MINUTE });
          expect(await projectVolumes(engine, project)).toHaveLength(4);
          await compose.run(['up', '-d'], { timeoutMs: 10 * MINUTE });
          urls = await publishedUrls(compose, { order: 'order', product: 'product', payment: 'payment' });
          await waitReady(urls);
        });

        const after = await allOrders(urls, await adminToken(urls));
        expect(after.map((o) => [o.id, o.status])).toEqual(before.map((o) => [o.id, o.status]));
        const payment = await request<{ status: string }>('GET', `${urls.payment}/api/payments/${sessionOrderId}/`);
        expect(payment.body.status).toBe('REFUNDED');
      },
      20 * MINUTE,
    );

    it(
      'leaves a service with a bad setting stopped after 5 restarts, its logs saying which setting',
      async () => {
        await compose.run(['up', '-d', '--no-deps', 'payment'], { env: { PAYMENT_LATENCY_MS: 'soon' }, timeoutMs: 5 * MINUTE });
        const id = await compose.container('payment');
        const state = await poll(
          'payment given up',
          async () => {
            const [status, restarts, exitCode] = (
              await engine.docker(['inspect', '--format', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}', id])
            ).stdout
              .trim()
              .split(' ');
            return status === 'exited' && { restarts: Number(restarts), exitCode: Number(exitCode) };
          },
          3 * MINUTE,
        );
        expect(state).toEqual({ restarts: 5, exitCode: 1 });
        const logs = await engine.docker(['logs', id]);
        expect(logs.stdout + logs.stderr).toContain('PAYMENT_LATENCY_MS');
      },
      5 * MINUTE,
    );

    it(
      'removes the containers and the volumes with down -v',
      async () => {
        await timed('single: down -v', () => compose.run(['down', '-v'], { timeoutMs: 5 * MINUTE }));
        expect(await projectVolumes(engine, project)).toEqual([]);
        expect((await engine.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])).stdout.trim()).toBe('');
      },
      10 * MINUTE,
    );
  });

  describe('docker-compose.scale.yml', () => {
    let compose: ComposeProject;
    let urls: Urls;
    const project = 'ordersys-scale';
    const balancers = { order: 'order-lb', product: 'product-lb', payment: 'payment-lb' };

    beforeAll(async () => {
      const debian = await debianStandIn(standIns, base.suite);
      const images = scaleImages();
      await timed(`${images.postgres} and ${images.nginx} stand-ins`, async () => {
        await packageStandIn(standIns, 'postgres', images.postgres, debian);
        await packageStandIn(standIns, 'nginx', images.nginx, debian);
        await packageStandIn(standIns, 'rabbitmq', brokerImage('docker-compose.scale.yml'), debian);
      });
      // Short leases and recovery passes, so a killed replica's orders are decided within seconds; each
      // charge answered a second after it is stored, so orders are in the middle of their workflow on
      // the replica when it is killed.
      const envFile = join(workDir, 'scale.env');
      writeFileSync(envFile, 'ORDER_LEASE_TTL_MS=3000\nRECOVERY_INTERVAL_MS=500\nRECOVERY_GRACE_MS=500\nPAYMENT_LATENCY_MS=1000\n');
      compose = composeProject(engine, {
        dir: REPO_ROOT,
        file: 'docker-compose.scale.yml',
        project,
        envFile,
        env: { ORDER_PORT: '0', PRODUCT_PORT: '0', PAYMENT_PORT: '0', RABBITMQ_MANAGEMENT_PORT: '0' },
        log,
      });
    }, 30 * MINUTE);

    it(
      'starts PostgreSQL, two replicas of each service and a load balancer in front of each, all ready',
      async () => {
        await timed('scale: up until ready', async () => {
          await compose.run(['up', '-d'], { timeoutMs: 15 * MINUTE });
          urls = await publishedUrls(compose, balancers);
          await waitReady(urls);
        });
        say(`published: ${JSON.stringify(urls)}`);
        for (const url of Object.values(urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const running = (await compose.run(['ps', '--services', '--filter', 'status=running'])).stdout.split('\n').filter(Boolean).sort();
        expect(running).toEqual(
          [
            'order-1',
            'order-2',
            'order-lb',
            'payment-1',
            'payment-2',
            'payment-lb',
            'postgres',
            'product-1',
            'product-2',
            'product-lb',
            'rabbitmq',
          ].sort(),
        );
      },
      20 * MINUTE,
    );

    it(
      "answers the README's curl session through the load balancers",
      async () => {
        await timed('scale: README session', () => readmeSessionAnswers(urls));
      },
      5 * MINUTE,
    );

    it(
      'when one order replica is killed under load, then every order ends PAID or CANCELLED once, charged and reserved once',
      async () => {
        const token = await adminToken(urls);
        const stock = 100_000;
        const created = await request<{ id: number }>('POST', `${urls.product}/api/products/`, {
          token,
          body: { name: 'Load', price: '1.00', stock },
        });
        expect(created.status).toBe(201);
        const productId = created.body.id;
        const customer = `Load ${randomUUID().slice(0, 8)}`;
        const body = { customer_name: customer, items: [{ product_id: productId, quantity: 1 }] };
        /** Idempotency-Key -> each answer's status and code (the order's status for an order). */
        const answers = new Map<string, { status: number; code?: string }[]>();
        const final = new Map<string, OrderJson>();
        const place = async (key: string) => {
          const res = await request<OrderJson>('POST', `${urls.order}/api/orders/`, { body, headers: { 'idempotency-key': key } }).catch(
            () => undefined,
          );
          const order = res && typeof res.body === 'object' ? res.body : undefined;
          answers.set(key, [...(answers.get(key) ?? []), { status: res?.status ?? 0, code: order?.id ? order.status : order?.code }]);
          if (order?.status === 'PAID' || order?.status === 'CANCELLED') final.set(key, order);
          return res?.status;
        };

        // Eight clients place orders; once 30 are answered, order-1 is killed; they go on for 40 more.
        let killedAt: number | undefined;
        let stop = false;
        const clients = Array.from({ length: 8 }, async () => {
          while (!stop) await place(randomUUID());
        });
        await poll('30 orders answered', async () => final.size >= 30, 2 * MINUTE, 50);
        const doomed = await compose.container('order-1');
        await engine.docker(['kill', doomed]);
        killedAt = final.size;
        say(`order-1 killed after ${killedAt} orders`);
        await poll('40 more orders answered', async () => final.size >= killedAt! + 40, 2 * MINUTE, 50);
        stop = true;
        await Promise.all(clients);

        // A request that was on the killed replica got nginx's 503; repeated with its key, it is answered
        // from what became of its order, once the survivor decided it.
        await timed('scale: the killed replica orders decided', () =>
          poll(
            'every order decided',
            async () => {
              for (const key of answers.keys()) if (!final.has(key)) await place(key);
              return final.size === answers.size;
            },
            2 * MINUTE,
            500,
          ),
        );
        const all = [...answers.values()].flat();
        const counts = new Map<string, number>();
        for (const { status, code } of all) counts.set(`${status} ${code}`, (counts.get(`${status} ${code}`) ?? 0) + 1);
        say(`${answers.size} orders placed; answers: ${[...counts].map(([answer, n]) => `${n} x ${answer}`).join(', ')}`);
        // Nothing but an order (PAID, or CANCELLED with its reason), nginx's JSON 503 for a request the
        // killed replica held, and the answers of a repeat while its order was still undecided.
        const expected = new Set(['PAID', 'CANCELLED', 'service_unavailable', 'idempotency_key_in_progress', 'payment_pending']);
        expect(all.filter(({ code }) => !expected.has(code ?? ''))).toEqual([]);
        // Some were on the killed replica, in the middle of their workflow: the survivor's recovery job decided them.
        const interrupted = [...answers].filter(([, list]) => list[0]?.code === 'service_unavailable').map(([key]) => final.get(key)!);
        expect(interrupted.length).toBeGreaterThan(0);
        const survivorLogs = await engine.docker(['logs', await compose.container('order-2')]);
        const decided = (survivorLogs.stdout + survivorLogs.stderr)
          .split('\n')
          .filter((line) => /"msg":"interrupted order (completed: PAID|cancelled)"/.test(line));
        say(
          `${interrupted.length} orders were on order-1 when it was killed; order-2's recovery job decided ${decided.length}: ` +
            interrupted.map((o) => `${o.status}${o.cancellation_reason ? ` (${o.cancellation_reason})` : ''}`).join(', '),
        );
        expect(decided.length).toBeGreaterThan(0);

        // Each key made one order, and no order was made without a key: nothing was done twice.
        const orders = (await allOrders(urls, token)).filter((o) => o.customer_name === customer);
        const ids = [...final.values()].map((o) => o.id);
        expect(new Set(ids).size).toBe(answers.size);
        expect(orders.map((o) => o.id).sort()).toEqual([...ids].sort());
        const paid = orders.filter((o) => o.status === 'PAID');
        expect(paid.length + orders.filter((o) => o.status === 'CANCELLED').length).toBe(orders.length);
        for (const order of orders) {
          const payment = await request<{ status: string; amount: string }>('GET', `${urls.payment}/api/payments/${order.id}/`);
          if (order.status === 'PAID') expect(payment.body).toMatchObject({ status: 'COMPLETED', amount: '1.00' });
          else
            expect(payment.status === 404 || payment.body.status !== 'COMPLETED', `${order.id}: ${JSON.stringify(payment.body)}`).toBe(
              true,
            );
        }
        // Stock taken once per PAID order; a cancelled order's release may still be on its way.
        await poll(
          'stock settled',
          async () =>
            (await request<{ stock: number }>('GET', `${urls.product}/api/products/${productId}/`)).body.stock === stock - paid.length,
          MINUTE,
        );

        const state = (await engine.docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', doomed])).stdout.trim();
        expect(state).toBe('exited 137');
        // Started again, it serves through the load balancer with the other one.
        await compose.run(['start', 'order-1']);
        await poll(
          'order-1 healthy again',
          async () => (await engine.docker(['inspect', '--format', '{{.State.Health.Status}}', doomed])).stdout.trim() === 'healthy',
          2 * MINUTE,
        );
        for (let i = 0; i < 6; i++) expect(await place(randomUUID())).toBe(201);
      },
      15 * MINUTE,
    );

    it(
      'keeps every order across down and up (the PostgreSQL volume), and removes it with down -v',
      async () => {
        const before = await allOrders(urls, await adminToken(urls));
        await timed('scale: down, up until ready', async () => {
          await compose.run(['down'], { timeoutMs: 5 * MINUTE });
          await compose.run(['up', '-d'], { timeoutMs: 15 * MINUTE });
          urls = await publishedUrls(compose, balancers);
          await waitReady(urls);
        });
        const after = await allOrders(urls, await adminToken(urls));
        expect(after.map((o) => [o.id, o.status])).toEqual(before.map((o) => [o.id, o.status]));

        await timed('scale: down -v', () => compose.run(['down', '-v'], { timeoutMs: 5 * MINUTE }));
        expect(await projectVolumes(engine, project)).toEqual([]);
      },
      30 * MINUTE,
    );
  });
});
