import { config as loadDotenv } from 'dotenv';
import type { Express } from 'express';
import type { BaseConfig } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { runMain } from './run-main.js';
import { serve } from './serve.js';

interface ServiceConfig extends BaseConfig {
  PORT: number;
}

export interface ServiceDefinition<C extends ServiceConfig, D extends { close: () => Promise<void> }> {
  service: string;
  loadConfig: (env: Record<string, string | undefined>) => C;
  createDeps: (config: C, logger: Logger) => Promise<D>;
  createApp: (deps: D) => Express;
}

/**
 * What every main.ts does: read .env and the environment once, build the logger and the
 * dependencies, listen, and shut down gracefully on SIGTERM/SIGINT.
 */
export function startService<C extends ServiceConfig, D extends { close: () => Promise<void> }>(
  definition: ServiceDefinition<C, D>,
): Promise<void> {
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
      onClose: deps.close,
    });
  });
}
