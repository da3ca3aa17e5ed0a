import type { ProductJson } from '@order-system/contracts';
import { formatCents } from '@order-system/platform';
import type { Product } from '../generated/prisma/client.js';

export function toProductJson(product: Product): ProductJson {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    price: formatCents(product.priceCents),
    stock: product.stock,
    created_at: product.createdAt.toISOString(),
    updated_at: product.updatedAt.toISOString(),
  };
}
