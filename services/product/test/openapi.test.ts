import { describeOpenApiDocument } from '@order-system/testing';
import { productApi } from '../src/app.js';
import { createTestProductApp } from './product-app.js';

describeOpenApiDocument({ service: 'product', createApp: () => createTestProductApp(), routes: (deps) => productApi(deps).routes });
