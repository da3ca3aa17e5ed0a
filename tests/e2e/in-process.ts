import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createHttpServer, createLogger, type Logger } from '@order-system/platform';
import { closeWhenFileEnds, type ServiceName, type ServiceProcess } from '@order-system/testing';
import { createApp as createOrderApp } from '../../services/order/src/app.js';
import { loadOrderConfig } from '../../services/order/src/config.js';
import { createDeps as createOrderDeps } from '../../services/order/src/deps.js';
import { createApp as createPaymentApp } from '../../services/payment/src/app.js';
import { loadPaymentConfig } from '../../services/payment/src/config.js';
import { createDeps as createPaymentDeps } from '../../services/payment/src/deps.js';
import { createApp as createProductApp } from '../../services/product/src/app.js';
import { loadProductConfig } from '../../services/product/src/config.js';
import { createDeps as createProductDeps } from '../../services/product/src/deps.js';

interface Started {
  app: Parameters<typeof createHttpServer>[0];
  config: { HOST: string; REQUEST_TIMEOUT_MS: number; SHUTDOWN_TIMEOUT_MS: number };
  start?: () => void;
  close: () => Promise<void>;
}

/** What each service's main.ts does before it listens: its config from `env`, its deps, its app. */
const BUILDERS: Record<ServiceName, (env: Record<string, string>, logger: (level: string) => Logger) => Promise<Started>> = {
  product: async (env, logger) => {
    const config = loadProductConfig(env);
    const deps = await createProductDeps(config, logger(config.LOG_LEVEL));
    return { app: createProductApp(deps), config, close: deps.close };
  },
  payment: async (env, logger) => {
    const config = loadPaymentConfig(env);
    const deps = await createPaymentDeps(config, logger(config.LOG_LEVEL));
    return { app: createPaymentApp(deps), config, close: deps.close };
  },
  order: async (env, logger) => {
    const config = loadOrderConfig(env);
    const deps = await createOrderDeps(config, logger(config.LOG_LEVEL));
    return { app: createOrderApp(deps), config, start: deps.start, close: deps.close };
  },
};

const NO_PROCESS =
  'runs inside the test process: a test that kills or signals a service starts it as a process (startTrio({ processes: true }))';

/**
 * One service inside the test process, as its main.ts would run it in a process of its own: the
 * config built from the same environment (so the same defaults and checks), the service's own
 * composition root and app, the platform's HTTP server on an ephemeral port of 127.0.0.1, its
 * background work started once it listens, and its log lines (JSON, as the process prints them)
 * collected in `logs`. `stop` is the graceful shutdown of SIGTERM: no new connections, requests
 * under way finish, then the deps close. Starting three of them takes a fraction of the time and
 * CPU of three processes; a service that must crash or be signalled runs as a process instead
 * (startServiceProcess), and `kill` and `pid` say so here.
 */
export async function startInProcessService(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const logs: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) };
  const fullEnv = { NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...env };
  let logger: Logger | undefined;
  const service = await BUILDERS[name](fullEnv, (level) => {
    logger = createLogger({ service: name, level, destination });
    return logger;
  });
  const log = logger as Logger;
  const server = createHttpServer(service.app, { logger: log, requestTimeoutMs: service.config.REQUEST_TIMEOUT_MS });
  server.listen(0, service.config.HOST);
  await once(server, 'listening');
  server.keepAliveTimeout = 65_000;
  const { port, address } = server.address() as AddressInfo;
  log.info({ port, host: address }, 'listening');
  service.start?.();

  // Stopped when the test file ends, if the test does not stop it itself.
  const stop = closeWhenFileEnds(async () => {
    log.info({ signal: 'SIGTERM' }, 'shutting down');
    const force = setTimeout(() => server.closeAllConnections(), service.config.SHUTDOWN_TIMEOUT_MS);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    clearTimeout(force);
    await service.close();
    log.info('stopped');
  });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    port,
    get pid(): number {
      throw new Error(`The ${name} service ${NO_PROCESS}`);
    },
    logs,
    stop,
    kill: () => Promise.reject(new Error(`The ${name} service ${NO_PROCESS}`)),
  };
}
