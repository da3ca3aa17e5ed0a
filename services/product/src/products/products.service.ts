import type { ProductCreate, ProductPatch } from '@order-system/contracts';
import { NotFoundError, type Pagination } from '@order-system/platform';
import type { Product } from '../generated/prisma/client.js';
import type { ProductsRepository } from './products.repository.js';

export class ProductNotFoundError extends NotFoundError {
  constructor() {
    super('Product not found');
  }
}

export class ProductsService {
  constructor(private readonly products: ProductsRepository) {}

  list(page: Pagination) {
    return this.products.list(page);
  }

  async get(id: number | null): Promise<Product> {
    const product = id === null ? null : await this.products.findById(id);
    if (!product) throw new ProductNotFoundError();
    return product;
  }

  create(input: ProductCreate): Promise<Product> {
    return this.products.create(input);
  }

  async update(id: number | null, patch: ProductPatch): Promise<Product> {
    const product = id === null ? null : await this.products.update(id, patch);
    if (!product) throw new ProductNotFoundError();
    return product;
  }

  async delete(id: number | null): Promise<void> {
    const deleted = id !== null && (await this.products.delete(id));
    if (!deleted) throw new ProductNotFoundError();
  }
}
