import type { ProductCreate, ProductListQuery, ProductPatch } from '@order-system/contracts';
import { NotFoundError } from '@order-system/platform';
import type { Product } from '../generated/prisma/client.js';
import type { ProductsRepository } from './products.repository.js';

export class ProductNotFoundError extends NotFoundError {
  constructor() {
    super('Product not found');
  }
}

export class ProductsService {
  constructor(private readonly products: ProductsRepository) {}

  /** A page of the catalogue, or of the products among `ids` when it is given. */
  list({ ids, ...page }: ProductListQuery) {
    return ids ? this.products.listByIds(ids, page) : this.products.list(page);
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
