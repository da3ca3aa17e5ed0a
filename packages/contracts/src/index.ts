export * from './fields.js';
export * from './payment.js';
export * from './product.js';
