import type { PrismaClient } from '../src/generated/prisma/client.js';

/**
 * A customer's cart written straight into the order database, as the service writes it (the
 * product service is not needed to arrange a test): its lines, oldest first, and when it changed.
 */
export async function seedCart(
  prisma: PrismaClient,
  userId: string,
  lines: { productId: number; quantity: number }[],
  updatedAt = new Date(),
): Promise<number[]> {
  await prisma.$executeRaw`
    INSERT INTO "carts" ("user_id", "version", "created_at", "updated_at") VALUES (${userId}, 0, ${updatedAt}, ${updatedAt})`;
  const ids: number[] = [];
  for (const line of lines) {
    const item = await prisma.cartItem.create({ data: { userId, productId: line.productId, quantity: line.quantity } });
    ids.push(item.id);
  }
  return ids;
}

/** Everything stored of a customer's cart, to show that a refused request changed nothing. */
export async function cartRows(prisma: PrismaClient, userId: string): Promise<unknown> {
  return prisma.cart.findUnique({ where: { userId }, include: { items: { orderBy: { id: 'asc' } } } });
}
