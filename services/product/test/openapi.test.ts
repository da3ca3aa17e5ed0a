import { describeOpenApiDocument } from '@order-system/testing';
import { productApi, productOpenApi } from '../src/openapi.js';
import { createTestProductApp } from './product-app.js';

describeOpenApiDocument({ service: 'product', api: productApi, document: productOpenApi, createApp: () => createTestProductApp() });
