import { startService } from '@order-system/platform';
import { createApp } from './app.js';
import { loadPaymentConfig } from './config.js';
import { createDeps } from './deps.js';

await startService({ service: 'payment', loadConfig: loadPaymentConfig, createDeps, createApp });
