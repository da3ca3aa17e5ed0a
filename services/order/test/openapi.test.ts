import { describeOpenApiDocument } from '@order-system/testing';
import { orderApi, orderOpenApi } from '../src/openapi.js';
import { createTestOrderApp } from './order-app.js';

describeOpenApiDocument({ service: 'order', api: orderApi, document: orderOpenApi, createApp: () => createTestOrderApp() });
