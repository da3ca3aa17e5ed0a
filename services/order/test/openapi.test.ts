import { describeOpenApiDocument } from '@order-system/testing';
import { orderApi } from '../src/app.js';
import { createTestOrderApp } from './order-app.js';

describeOpenApiDocument({ service: 'order', createApp: () => createTestOrderApp(), routes: (deps) => orderApi(deps).routes });
