export * from './fields.js';
export * from './product.js';
