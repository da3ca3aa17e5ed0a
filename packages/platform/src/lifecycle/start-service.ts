import { config as loadDotenv } from 'dotenv';
import type { Express } from 'express';
import type { BaseConfig } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { runMain } from './run-main.js';
import { serve } from './serve.js';

interface ServiceConfig extends BaseConfig {
  PORT: number;
}

/** What a service's dependencies offer the start-up: `start` (optional) begins background work once it listens. */
interface ServiceDeps {
  start?: () => void;
  close: () => Promise<void>;
}

export interface ServiceDefinition<C extends ServiceConfig, D extends ServiceDeps> {
  service: string;
  loadConfig: (env: Record<string, string | undefined>) => C;
  createDeps: (config: C, logger: Logger) => Promise<D>;
  createApp: (deps: D) => Express;
}

/**
 * What every main.ts does: read .env and the environment once, build the logger and the
 * dependencies, listen, start background work, and shut down gracefully on SIGTERM/SIGINT.
 */
export function startService<C extends ServiceConfig, D extends ServiceDeps>(definition: ServiceDefinition<C, D>): Promise<void> {
  return runMain(async () => {
    loadDotenv({ quiet: true });
    const config = definition.loadConfig(process.env);
    const logger = createLogger({ service: definition.service, level: config.LOG_LEVEL });
    const deps = await definition.createDeps(config, logger);
    await serve({
      app: definition.createApp(deps),
      host: config.HOST,
      port: config.PORT,
      logger,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
      onClose: deps.close,
    });
    // After listen, so background work (order recovery) never delays the service from answering.
    deps.start?.();
  });
}
