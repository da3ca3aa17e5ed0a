import type { Logger } from '@order-system/platform';
import type { ProductsRepository } from './products/products.repository.js';

export const DEMO_PRODUCTS = [
  { name: 'Keyboard', description: 'Mechanical keyboard, 87 keys', price: 4990, stock: 25 },
  { name: 'Mouse', description: 'Wireless optical mouse', price: 1999, stock: 50 },
  { name: 'Monitor', description: '27-inch IPS monitor', price: 22900, stock: 10 },
  { name: 'USB-C Cable', description: '1 m braided cable', price: 899, stock: 100 },
  { name: 'Webcam', description: '1080p webcam', price: 5450, stock: 5 },
];

/** Fills an empty catalogue with a few products so a fresh start can take orders at once. */
export async function seedDemoProducts(products: ProductsRepository, logger: Logger): Promise<void> {
  if (!(await products.createAllIfEmpty(DEMO_PRODUCTS))) return;
  logger.info({ count: DEMO_PRODUCTS.length }, 'demo products created');
}
