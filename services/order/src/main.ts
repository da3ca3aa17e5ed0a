import { createLogger, runMain, serve } from '@order-system/platform';
import { config as loadDotenv } from 'dotenv';
import { createApp } from './app.js';
import { loadOrderConfig } from './config.js';
import { createDeps } from './deps.js';

await runMain(async () => {
  loadDotenv({ quiet: true });
  const config = loadOrderConfig(process.env);
  const logger = createLogger({ service: 'order', level: config.LOG_LEVEL });
  const deps = await createDeps(config, logger);
  await serve({
    app: createApp(deps),
    host: config.HOST,
    port: config.PORT,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    onClose: deps.close,
  });
});
