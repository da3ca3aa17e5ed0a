import { describeOpenApiDocument } from '@order-system/testing';
import { paymentApi } from '../src/app.js';
import { createTestPaymentApp } from './payment-app.js';

describeOpenApiDocument({ service: 'payment', createApp: () => createTestPaymentApp(), routes: (deps) => paymentApi(deps).routes });
