import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { CART_MAX_LINES, CART_MAX_QUANTITY, type Cart, type CartChange } from './cart.js';

/** How an edit of a cart ended; `checkout_in_progress`: the cart is locked by its checkout (its order is PENDING). */
export type AddLineOutcome =
  | { kind: 'added'; itemId: number }
  | { kind: 'too_many_lines' }
  | { kind: 'quantity_over_limit'; total: number }
  | { kind: 'checkout_in_progress' };
export type LineEditOutcome = { kind: 'done' } | { kind: 'not_found' } | { kind: 'checkout_in_progress' };

type Tx = Prisma.TransactionClient;

/** Expired carts removed per statement, so that a large removal never holds the database long. */
const EXPIRY_BATCH = 200;

/** Thrown inside a transaction to roll it back and answer `outcome`. */
class Rollback<T> extends Error {
  constructor(readonly outcome: T) {
    super('rolled back');
  }
}

/**
 * The only code that touches the carts and cart_items tables. Every edit of a cart is one
 * transaction that first locks the cart's row (bumping its version) and then, in a statement of its
 * own (so that on PostgreSQL it sees a checkout that committed while it waited for the lock), makes
 * sure no checkout holds the cart: while the order a cart is being checked out as is PENDING, the
 * cart is locked, and edits are refused.
 */
export class CartsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The customer's cart (an empty one, version -1, when they have none). */
  async find(userId: string): Promise<Cart> {
    const row = await this.prisma.cart.findUnique({ where: { userId }, include: { items: { orderBy: { id: 'asc' } } } });
    if (!row) return { userId, version: -1, lines: [], updatedAt: null, checkingOutAs: null };
    const claimed = row.checkoutOrderId;
    const live =
      claimed !== null && (await this.prisma.order.findUnique({ where: { id: claimed }, select: { status: true } }))?.status === 'PENDING';
    return {
      userId,
      version: row.version,
      lines: row.items.map((item) => ({ id: item.id, productId: item.productId, quantity: item.quantity })),
      updatedAt: row.updatedAt,
      checkingOutAs: live ? claimed : null,
    };
  }

  /** Adds `quantity` of the product: to its line when the cart has one, else as a new line (the cart is made if need be). */
  async addLine(userId: string, productId: number, quantity: number): Promise<AddLineOutcome> {
    for (;;) {
      const outcome = await this.#addLine(userId, productId, quantity);
      // Not found: the cart made for this line expired in between (it was old already). Made again.
      if (outcome.kind !== 'not_found') return outcome;
    }
  }

  #addLine(userId: string, productId: number, quantity: number) {
    return this.#edit<AddLineOutcome>(userId, { create: true }, async (tx, at) => {
      const existing = await tx.cartItem.findUnique({ where: { userId_productId: { userId, productId } } });
      if (existing) {
        const total = existing.quantity + quantity;
        if (total > CART_MAX_QUANTITY) throw new Rollback<AddLineOutcome>({ kind: 'quantity_over_limit', total });
        await tx.cartItem.update({ where: { id: existing.id }, data: { quantity: total } });
        return { kind: 'added', itemId: existing.id };
      }
      if ((await tx.cartItem.count({ where: { userId } })) >= CART_MAX_LINES)
        throw new Rollback<AddLineOutcome>({ kind: 'too_many_lines' });
      const created = await tx.cartItem.create({ data: { userId, productId, quantity, createdAt: at }, select: { id: true } });
      return { kind: 'added', itemId: created.id };
    });
  }

  /** Sets the quantity of one of the customer's lines (another customer's line is not found). */
  setQuantity(userId: string, itemId: number, quantity: number): Promise<LineEditOutcome> {
    return this.#edit<LineEditOutcome>(userId, { create: false }, async (tx) => {
      const { count } = await tx.cartItem.updateMany({ where: { id: itemId, userId }, data: { quantity } });
      if (count === 0) throw new Rollback<LineEditOutcome>({ kind: 'not_found' });
      return { kind: 'done' };
    });
  }

  removeLine(userId: string, itemId: number): Promise<LineEditOutcome> {
    return this.#edit<LineEditOutcome>(userId, { create: false }, async (tx) => {
      const { count } = await tx.cartItem.deleteMany({ where: { id: itemId, userId } });
      if (count === 0) throw new Rollback<LineEditOutcome>({ kind: 'not_found' });
      return { kind: 'done' };
    });
  }

  /** Removes every line (a customer without a cart has nothing to remove). */
  async clear(userId: string): Promise<LineEditOutcome> {
    const outcome = await this.#edit<LineEditOutcome>(userId, { create: false }, async (tx) => {
      await tx.cartItem.deleteMany({ where: { userId } });
      return { kind: 'done' };
    });
    return outcome.kind === 'not_found' ? { kind: 'done' } : outcome;
  }

  /**
   * Writes a checkout's fixes (lines removed or lowered) if the cart is still the version the
   * checkout read; false when it changed meanwhile (nothing written). A cart unchanged since a read
   * that found no checkout holding it has none now: a checkout's claim changes the version too.
   */
  async fix(userId: string, version: number, changes: CartChange[]): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const at = new Date();
      const locked = await tx.$executeRaw`
        UPDATE "carts" SET "version" = "version" + 1, "updated_at" = ${at} WHERE "user_id" = ${userId} AND "version" = ${version}`;
      if (locked !== 1) return false;
      for (const change of changes) {
        const line = { id: change.itemId, userId };
        if (change.change === 'removed') await tx.cartItem.deleteMany({ where: line });
        else await tx.cartItem.updateMany({ where: line, data: { quantity: change.quantity } });
      }
      return true;
    });
  }

  /**
   * The claim of a checkout, written with its order's insert (OrdersRepository.create's condition):
   * the cart is marked as being checked out as `orderId`, if it is still the version the checkout
   * read (so the order holds exactly the lines that were checked, and of two checkouts of one
   * version only one claims it: the version it waited on has moved).
   */
  claimStatement(userId: string, version: number, orderId: string): Prisma.Sql {
    return Prisma.sql`
      UPDATE "carts" SET "checkout_order_id" = ${orderId}, "version" = "version" + 1
      WHERE "user_id" = ${userId} AND "version" = ${version}`;
  }

  /**
   * What goes with an order's PAID, in its transaction: the cart checked out as that order is
   * emptied and no longer held. Touches nothing when no cart was checked out as the order.
   */
  emptiedWith(orderId: string): Prisma.Sql[] {
    const at = new Date();
    return [
      Prisma.sql`
        DELETE FROM "cart_items" WHERE "user_id" IN (SELECT "user_id" FROM "carts" WHERE "checkout_order_id" = ${orderId})`,
      Prisma.sql`
        UPDATE "carts" SET "checkout_order_id" = NULL, "version" = "version" + 1, "updated_at" = ${at}
        WHERE "checkout_order_id" = ${orderId}`,
    ];
  }

  /**
   * Removes the carts (their lines with them) unchanged since `cutoff`, but none that a checkout
   * holds. Each is removed only at the version it was found at: a checkout's claim moves the version,
   * so a claim that commits meanwhile keeps its cart. (On PostgreSQL a removal that waited on the
   * claim's row lock re-checks the row as the claim left it, but would not see the claim's new
   * PENDING order: the version is what it sees change.)
   */
  async removeUntouchedSince(cutoff: Date): Promise<number> {
    const notHeld = Prisma.sql`NOT EXISTS (
      SELECT 1 FROM "orders" WHERE "orders"."id" = "carts"."checkout_order_id" AND "orders"."status" = 'PENDING')`;
    let removed = 0;
    for (;;) {
      const found = await this.prisma.$queryRaw<{ user_id: string; version: number }[]>`
        SELECT "user_id", "version" FROM "carts" WHERE "updated_at" < ${cutoff} AND ${notHeld}
        ORDER BY "user_id" LIMIT ${EXPIRY_BATCH}`;
      if (found.length === 0) return removed;
      const asFound = Prisma.join(
        found.map((cart) => Prisma.sql`("user_id" = ${cart.user_id} AND "version" = ${Number(cart.version)})`),
        ' OR ',
      );
      const deleted = await this.prisma.$executeRaw`
        DELETE FROM "carts" WHERE (${asFound}) AND "updated_at" < ${cutoff} AND ${notHeld}`;
      removed += deleted;
      // A batch that was not full was the last; one whose carts all changed meanwhile is not looked at again now.
      if (found.length < EXPIRY_BATCH || deleted === 0) return removed;
    }
  }

  /**
   * Runs `edit` in a transaction holding the cart's row: not_found when there is no cart (and
   * `create` is false), checkout_in_progress when a checkout holds it; an edit answers otherwise by
   * returning its outcome, or by throwing a Rollback of it to undo what it wrote.
   */
  async #edit<T>(
    userId: string,
    options: { create: boolean },
    edit: (tx: Tx, at: Date) => Promise<T>,
  ): Promise<T | { kind: 'not_found' } | { kind: 'checkout_in_progress' }> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const at = new Date();
        if (options.create) {
          await tx.$executeRaw`
            INSERT INTO "carts" ("user_id", "version", "created_at", "updated_at") VALUES (${userId}, 0, ${at}, ${at})
            ON CONFLICT ("user_id") DO NOTHING`;
        }
        const locked = await tx.$executeRaw`
          UPDATE "carts" SET "version" = "version" + 1, "updated_at" = ${at} WHERE "user_id" = ${userId}`;
        if (locked !== 1) throw new Rollback({ kind: 'not_found' as const });
        const held = await tx.$queryRaw<unknown[]>`
          SELECT 1 FROM "carts" JOIN "orders" ON "orders"."id" = "carts"."checkout_order_id"
          WHERE "carts"."user_id" = ${userId} AND "orders"."status" = 'PENDING'`;
        if (held.length > 0) throw new Rollback({ kind: 'checkout_in_progress' as const });
        return await edit(tx, at);
      });
    } catch (err) {
      if (err instanceof Rollback) return err.outcome as T | { kind: 'not_found' } | { kind: 'checkout_in_progress' };
      throw err;
    }
  }
}
