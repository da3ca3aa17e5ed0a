import type { ProductCreate, ProductPatch } from '@order-system/contracts';
import { isWriteConflict, type Pagination } from '@order-system/platform';
import type { PrismaClient, Product } from '../generated/prisma/client.js';

/** The columns of a product's fields: all of them for a create, those given for a patch. */
function columns<I extends ProductPatch>(
  input: I,
): { name: I['name']; description: I['description']; priceCents: I['price']; stock: I['stock'] } {
  return { name: input.name, description: input.description, priceCents: input.price, stock: input.stock };
}

export class ProductsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async list(page: Pagination): Promise<{ items: Product[]; total: number }> {
    const [items, total] = await Promise.all([
      this.prisma.product.findMany({ orderBy: { id: 'asc' }, take: page.limit, skip: page.offset }),
      this.prisma.product.count(),
    ]);
    return { items, total };
  }

  /**
   * A page of the products among `ids` (at most 100): one query reads them all, the page is cut
   * here, and the total is how many exist.
   */
  async listByIds(ids: number[], page: Pagination): Promise<{ items: Product[]; total: number }> {
    const found = await this.prisma.product.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    return { items: found.slice(page.offset, page.offset + page.limit), total: found.length };
  }

  /** The hottest read of the service: plain SQL (the same on SQLite and PostgreSQL). */
  async findById(id: number): Promise<Product | null> {
    const [product] = await this.prisma.$queryRaw<Product[]>`
      SELECT "id", "name", "description", "price_cents" AS "priceCents", "stock", "created_at" AS "createdAt", "updated_at" AS "updatedAt"
      FROM "products" WHERE "id" = ${id}`;
    return product ?? null;
  }

  create(input: ProductCreate): Promise<Product> {
    return this.prisma.product.create({ data: columns(input) });
  }

  /** Updates the product if it exists; null when it does not. */
  async update(id: number, patch: ProductPatch): Promise<Product | null> {
    const { count } = await this.prisma.product.updateMany({
      where: { id },
      data: columns(patch),
    });
    return count === 0 ? null : this.findById(id);
  }

  async delete(id: number): Promise<boolean> {
    const { count } = await this.prisma.product.deleteMany({ where: { id } });
    return count > 0;
  }

  /**
   * Creates the products only if the catalogue is empty; false when it was not. Serializable, so of
   * replicas seeding one empty PostgreSQL database at once, one commits and the others are refused
   * (a write conflict) instead of each adding the same products.
   */
  async createAllIfEmpty(inputs: ProductCreate[]): Promise<boolean> {
    try {
      return await this.prisma.$transaction(
        async (tx) => {
          if ((await tx.product.count()) > 0) return false;
          for (const input of inputs) {
            await tx.product.create({ data: columns(input) });
          }
          return true;
        },
        { isolationLevel: 'Serializable' },
      );
    } catch (err) {
      if (isWriteConflict(err)) return false;
      throw err;
    }
  }
}
