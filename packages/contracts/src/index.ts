export * from './cart.js';
export * from './country-codes.js';
export * from './fields.js';
export * from './order.js';
export * from './payment.js';
export * from './product.js';
