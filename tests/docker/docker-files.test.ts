// The Dockerfile and the compose files, checked as far as reading them goes, in every test run:
// `docker-compose config` (the Compose client) validates and normalises each compose file.
// compose-stack.docker.ts builds and runs them on a real engine (`npm run test:docker`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@order-system/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { orderConfigSchema } from '../../services/order/src/config.js';
import { paymentConfigSchema } from '../../services/payment/src/config.js';
import { productConfigSchema } from '../../services/product/src/config.js';

const SERVICE_PORTS = { order: 8000, product: 8001, payment: 8002 } as const;
type ServiceName = keyof typeof SERVICE_PORTS;
const SCHEMA_KEYS: Record<ServiceName, string[]> = {
  order: Object.keys(orderConfigSchema.shape),
  product: Object.keys(productConfigSchema.shape),
  payment: Object.keys(paymentConfigSchema.shape),
};
/** Read by the image itself, not by a service: which service a container runs. */
const IMAGE_VARIABLES = ['SERVICE'];

const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
if (!hasCompose) console.warn('docker-compose is not installed: the compose files are not parsed (apt-get install docker-compose)');

interface ComposePort {
  host_ip?: string;
  published: number | string;
  target: number | string;
}

interface ComposeService {
  build?: { context: string; target?: string };
  image?: string;
  /** A variable without a value (null) is passed through from the shell or .env when set there. */
  environment?: Record<string, string | null>;
  /** `[IP:]published:target[/protocol]` (Compose v1) or the long form (v2). */
  ports?: (string | ComposePort)[];
  restart?: string;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  volumes?: (string | { source: string; target: string; type: string })[];
}

/** The file as Compose understands it, after validation, merges and interpolation. */
function composeConfig(file: string): Record<string, ComposeService> {
  const result = spawnSync('docker-compose', ['-f', file, 'config'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return (parse(result.stdout) as { services: Record<string, ComposeService> }).services;
}

/** A published port in one form, whichever form the Compose client printed. */
function portOf(port: string | ComposePort): ComposePort {
  if (typeof port !== 'string') return port;
  const [mapping = ''] = port.split('/');
  const parts = mapping.split(':');
  const target = parts.pop()!;
  const published = parts.pop()!;
  return { host_ip: parts.join(':') || undefined, published, target };
}

/** Every variable name .env.example documents, set or commented out. */
function exampleVariables(): Set<string> {
  const text = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
/** The instructions of the last stage, the image that runs. */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

function appServices(services: Record<string, ComposeService>): [string, ComposeService, ServiceName][] {
  return Object.entries(services)
    .filter(([, service]) => service.build !== undefined)
    .map(([name, service]) => [name, service, service.environment?.SERVICE as ServiceName]);
}

describe('Dockerfile', () => {
  it('installs from the lockfile and the manifests before it copies any source, so a code change reuses the install layers', () => {
    const at = (needle: string) => dockerfile.indexOf(needle);
    expect(at('COPY pnpm-lock.yaml')).toBeGreaterThan(-1);
    expect(at('RUN pnpm fetch')).toBeGreaterThan(at('COPY pnpm-lock.yaml'));
    expect(at('COPY services/order/package.json')).toBeGreaterThan(at('RUN pnpm fetch'));
    expect(at('RUN pnpm install --frozen-lockfile')).toBeGreaterThan(at('COPY services/order/package.json'));
    expect(at('COPY services services')).toBeGreaterThan(at('RUN pnpm install --frozen-lockfile'));
    expect(dockerfile).not.toMatch(/^COPY \. /m);
  });

  it('has a build stage, a production-dependencies stage and a runtime stage on a maintained Node LTS', () => {
    const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => m[2]);
    expect(stages).toEqual(['base', 'fetch', 'manifests', 'build', 'prod-deps', 'runtime']);
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=(22|24)$/m);
    expect(runtimeStage).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim AS runtime$/m);
    expect(dockerfile).toMatch(/pnpm install --prod --frozen-lockfile/);
  });

  it('runs the compiled JavaScript with plain node, as a non-root user, with a healthcheck on /ready', () => {
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(runtimeStage).toMatch(/^HEALTHCHECK .*\n?.*\/ready/m);
    expect(runtimeStage).toMatch(/^CMD \["sh", "-c", "exec node services\/\$\{SERVICE\}\/dist\/main\.js"\]$/m);
    // Nothing of the build's toolchain reaches the image: only dist folders from the build stage.
    for (const line of runtimeStage.split('\n').filter((l) => l.startsWith('COPY --from=build'))) {
      expect(line).toMatch(/\/dist /);
    }
    expect(runtimeStage).not.toMatch(/tsx|--import/);
  });

  it('copies the manifest of every workspace package, and ships the dist of every package the build compiles', () => {
    const workspaceDirs = ['packages', 'services'].flatMap((group) =>
      readdirSync(join(REPO_ROOT, group)).map((name) => `${group}/${name}`),
    );
    for (const dir of [...workspaceDirs, 'tests']) expect(dockerfile).toContain(`COPY ${dir}/package.json ${dir}/`);
    const built = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as { references: { path: string }[] }
    ).references.map((ref) => dirname(ref.path));
    for (const dir of built) expect(runtimeStage).toContain(`COPY --from=build /app/${dir}/dist ${dir}/dist`);
  });

  it('copies the tsconfig files before it generates the Prisma clients, so the generated imports end in .js', () => {
    const buildStage = dockerfile.slice(dockerfile.indexOf(' AS build\n'), dockerfile.indexOf(' AS prod-deps\n'));
    const copyTsconfig = /^COPY (.*tsconfig.*) \.\/$/m.exec(buildStage);
    expect(copyTsconfig?.[1]?.split(' ')).toEqual(expect.arrayContaining(['tsconfig.json', 'tsconfig.base.json']));
    expect(buildStage.indexOf(copyTsconfig![0])).toBeLessThan(buildStage.indexOf('RUN node scripts/generate.mjs'));
  });

  it('runs no install script while fetching, and compiles native addons where the toolchain is', () => {
    expect(dockerfile).toMatch(/^RUN pnpm fetch --ignore-scripts && rm -rf node_modules$/m);
    const toolchainAt = dockerfile.indexOf('apt-get install -y --no-install-recommends python3 make g++');
    expect(toolchainAt).toBeGreaterThan(dockerfile.indexOf(' AS manifests\n'));
    expect(toolchainAt).toBeLessThan(dockerfile.indexOf(' AS build\n'));
    expect(dockerfile).toMatch(/^FROM manifests AS prod-deps$/m);
    const prodInstall = /pnpm install --prod[^\n]*/.exec(dockerfile)?.[0];
    expect(prodInstall).not.toContain('--ignore-scripts');
  });

  it('keeps node_modules, dist, data and .git out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', '**/node_modules', '**/dist', 'data', '.env']) expect(ignored).toContain(entry);
  });
});

describe.each(['docker-compose.yml', 'docker-compose.scale.yml'])('%s', (file) => {
  it.runIf(hasCompose)('is valid for docker-compose', () => {
    const result = spawnSync('docker-compose', ['-f', file, 'config', '-q'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  });

  it.runIf(hasCompose)('gives each service only variables its configuration reads and .env.example documents', () => {
    const documented = exampleVariables();
    for (const [name, service, kind] of appServices(composeConfig(file))) {
      expect(Object.keys(SERVICE_PORTS), `${name}: SERVICE`).toContain(kind);
      for (const variable of Object.keys(service.environment ?? {})) {
        if (IMAGE_VARIABLES.includes(variable)) continue;
        expect(SCHEMA_KEYS[kind], `${name}: ${variable} is not read by the ${kind} service`).toContain(variable);
        expect([...documented], `${name}: ${variable} is not in .env.example`).toContain(variable);
      }
      expect(service.environment?.PORT, `${name}: PORT`).toBe(String(SERVICE_PORTS[kind]));
    }
  });

  it.runIf(hasCompose)('gives every container a healthcheck (the image has one on /ready) and waits only on healthchecks', () => {
    const services = composeConfig(file);
    for (const [name, service] of Object.entries(services)) {
      const healthchecked = service.build !== undefined || service.healthcheck !== undefined;
      expect(healthchecked, `${name} has no healthcheck`).toBe(true);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on a missing ${dependency}`).toBeDefined();
        expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
      }
    }
  });

  it.runIf(hasCompose)(
    "serves order, product and payment on 8000, 8001 and 8002 of 127.0.0.1 only, and RabbitMQ's management UI on 15672",
    () => {
      const published = Object.entries(composeConfig(file)).flatMap(([name, service]) =>
        (service.ports ?? []).map(portOf).map((port) => [name, port.host_ip, Number(port.published), Number(port.target)] as const),
      );
      expect(published.map(([, , host]) => host).sort()).toEqual([15672, 8000, 8001, 8002]);
      expect(published.find(([, , host]) => host === 15672)?.[0]).toBe('rabbitmq');
      for (const [name, address, host, container] of published) {
        expect(container, name).toBe(host);
        expect(address, name).toBe('127.0.0.1');
      }
    },
  );

  it.runIf(hasCompose)('publishes on PUBLISH_ADDRESS and the ports npm start reads (ORDER_PORT, ...) when they are set', () => {
    const env = {
      ...process.env,
      PUBLISH_ADDRESS: '0.0.0.0',
      ORDER_PORT: '9000',
      PRODUCT_PORT: '9001',
      PAYMENT_PORT: '9002',
      RABBITMQ_MANAGEMENT_PORT: '9672',
    };
    const result = spawnSync('docker-compose', ['-f', file, 'config'], { cwd: REPO_ROOT, encoding: 'utf8', env });
    expect(result.status, result.stderr).toBe(0);
    const services = (parse(result.stdout) as { services: Record<string, ComposeService> }).services;
    const published = Object.values(services).flatMap((service) => (service.ports ?? []).map(portOf));
    expect(published.map((port) => `${port.host_ip}:${port.published}:${port.target}`).sort()).toEqual([
      '0.0.0.0:9000:8000',
      '0.0.0.0:9001:8001',
      '0.0.0.0:9002:8002',
      '0.0.0.0:9672:15672',
    ]);
  });

  it.runIf(hasCompose)('passes every setting a service reads through from the shell and .env, but the ones the file decides', () => {
    // Decided by the compose file (or the image, for HOST): where a container listens and what it reaches.
    const decided = ['HOST', 'PORT', 'DATABASE_URL', 'PRODUCT_SERVICE_URL', 'PAYMENT_SERVICE_URL', 'RABBITMQ_URL'];
    for (const [name, service, kind] of appServices(composeConfig(file))) {
      const passed = Object.keys(service.environment ?? {});
      for (const setting of SCHEMA_KEYS[kind].filter((key) => !decided.includes(key)))
        expect(passed, `${name}: ${setting}`).toContain(setting);
      expect(service.environment?.HOST, `${name}: HOST is the image's 0.0.0.0`).toBeUndefined();
    }
  });

  it.runIf(hasCompose)(
    'runs RabbitMQ with its own user, data volume and healthcheck, and every order service publishes its events to it',
    () => {
      const services = composeConfig(file);
      const broker = services.rabbitmq;
      expect(broker?.image).toMatch(/^rabbitmq:[\d.]+-management$/);
      expect(broker?.healthcheck?.test).toEqual(['CMD', 'rabbitmq-diagnostics', '-q', 'ping']);
      const user = broker?.environment?.RABBITMQ_DEFAULT_USER;
      const password = broker?.environment?.RABBITMQ_DEFAULT_PASS;
      expect(user).not.toBe('guest');
      expect(password).toBeTruthy();
      expect((broker?.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target))).toContain('/var/lib/rabbitmq');
      const orders = appServices(services).filter(([, , kind]) => kind === 'order');
      expect(orders.length).toBeGreaterThan(0);
      for (const [name, service] of orders) {
        expect(service.environment?.RABBITMQ_URL, name).toBe(`amqp://${user}:${password}@rabbitmq:5672`);
        expect(
          Object.keys(service.depends_on ?? {}).some((d) => d === 'rabbitmq' || d.startsWith('order-')),
          name,
        ).toBe(true);
      }
      for (const [name, service, kind] of appServices(services))
        if (kind !== 'order') expect(service.environment?.RABBITMQ_URL, name).toBeUndefined();
    },
  );

  it.runIf(hasCompose)('restarts a failing container a few times, then leaves it stopped (a bad setting does not loop forever)', () => {
    for (const [name, service] of Object.entries(composeConfig(file))) expect(service.restart, name).toMatch(/^on-failure:[1-9]$/);
  });

  it.runIf(hasCompose)('keeps every database on a named volume', () => {
    const services = composeConfig(file);
    const namedVolumes = (service: ComposeService) =>
      (service.volumes ?? [])
        .map((v) => (typeof v === 'string' ? { source: v.split(':')[0]!, target: v.split(':')[1]! } : v))
        .filter((v) => !v.source.startsWith('/') && !v.source.startsWith('.'))
        .map((v) => v.target);
    for (const [name, service] of appServices(services)) {
      const url = service.environment?.DATABASE_URL ?? '';
      if (url.startsWith('file:')) expect(namedVolumes(service), name).toContain(dirname(url.slice('file:'.length)));
      else expect(url, name).toMatch(/^postgresql:\/\/[^@]+@postgres:5432\//);
    }
    if (services.postgres) expect(namedVolumes(services.postgres)).toContain('/var/lib/postgresql/data');
  });
});

describe('docker-compose.scale.yml: PostgreSQL, replicas and load balancers', () => {
  it.runIf(hasCompose)('runs two or more replicas of each service on its PostgreSQL database, one load balancer in front of each', () => {
    const services = composeConfig('docker-compose.scale.yml');
    const apps = appServices(services);
    for (const kind of Object.keys(SERVICE_PORTS) as ServiceName[]) {
      const replicas = apps.filter(([, , k]) => k === kind);
      expect(replicas.length, `${kind} replicas`).toBeGreaterThanOrEqual(2);
      const databases = new Set(replicas.map(([, service]) => service.environment?.DATABASE_URL));
      expect(databases.size, `${kind} replicas share one database`).toBe(1);
      expect([...databases][0]).toMatch(new RegExp(`^postgresql://[^@]+@postgres:5432/${kind}$`));
      for (const [name, service] of replicas) expect(service.ports ?? [], `${name} must be reached through its load balancer`).toEqual([]);

      // The load balancer publishes the service's port and lists every replica in its nginx config.
      const balancer = services[`${kind}-lb`];
      expect(balancer?.image).toMatch(/^nginx:/);
      expect(balancer?.ports?.map((p) => Number(portOf(p).published))).toEqual([SERVICE_PORTS[kind]]);
      const mount = (balancer?.volumes ?? [])
        .map((v) => (typeof v === 'string' ? v.split(':')[0]! : v.source))
        .find((v) => v.endsWith('.conf'));
      expect(mount && existsSync(mount), `${kind}-lb config file`).toBe(true);
      const conf = readFileSync(mount!, 'utf8');
      expect(conf).toContain(`listen ${SERVICE_PORTS[kind]};`);
      const upstream = [...conf.matchAll(/^\s*server (\S+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`).sort();
      expect(upstream).toEqual(replicas.map(([name]) => `${name}:${SERVICE_PORTS[kind]}`).sort());
    }
    expect(services.postgres?.image).toMatch(/^postgres:/);
  });

  it.runIf(hasCompose)('points the order replicas at the product and payment load balancers, not at one replica', () => {
    for (const [name, service, kind] of appServices(composeConfig('docker-compose.scale.yml'))) {
      if (kind !== 'order') continue;
      expect(service.environment?.PRODUCT_SERVICE_URL, name).toBe('http://product-lb:8001');
      expect(service.environment?.PAYMENT_SERVICE_URL, name).toBe('http://payment-lb:8002');
    }
  });

  it('creates a database for each service on the PostgreSQL server', () => {
    const sql = readFileSync(join(REPO_ROOT, 'docker', 'postgres', 'create-databases.sql'), 'utf8');
    for (const kind of Object.keys(SERVICE_PORTS)) expect(sql).toMatch(new RegExp(`^CREATE DATABASE "?${kind}"?;$`, 'm'));
  });
});
