import { describeOpenApiDocument } from '@order-system/testing';
import { paymentApi, paymentOpenApi } from '../src/openapi.js';
import { createTestPaymentApp } from './payment-app.js';

describeOpenApiDocument({ service: 'payment', api: paymentApi, document: paymentOpenApi, createApp: () => createTestPaymentApp() });
