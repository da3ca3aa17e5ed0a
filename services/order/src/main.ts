import { startService } from '@order-system/platform';
import { createApp } from './app.js';
import { loadOrderConfig } from './config.js';
import { createDeps } from './deps.js';

await startService({ service: 'order', loadConfig: loadOrderConfig, createDeps, createApp });
