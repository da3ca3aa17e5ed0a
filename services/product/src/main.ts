import { startService } from '@order-system/platform';
import { createApp } from './app.js';
import { loadProductConfig } from './config.js';
import { createDeps } from './deps.js';

await startService({ service: 'product', loadConfig: loadProductConfig, createDeps, createApp });
