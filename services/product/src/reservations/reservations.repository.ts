import { isUniqueViolation } from '@order-system/platform';
import { Prisma, type PrismaClient, type Reservation } from '../generated/prisma/client.js';

/** One reserved line, at the product's name and price when it was reserved. */
export interface ReservationItemRecord {
  productId: number;
  quantity: number;
  unitPriceCents: number;
  name: string;
}

export type ReservationWithItems = Reservation & { items: ReservationItemRecord[] };

export interface ReservationLine {
  productId: number;
  quantity: number;
}

export type ReserveOutcome =
  | { kind: 'created' | 'existing'; reservation: ReservationWithItems }
  | { kind: 'product_not_found' | 'out_of_stock'; productId: number };

export type ReleaseOutcome = { kind: 'released' | 'already_released'; reservation: ReservationWithItems } | { kind: 'not_found' };

/** Thrown inside a transaction to roll it back; never leaves this module. */
class Abort extends Error {
  constructor(readonly outcome: ReserveOutcome) {
    super(outcome.kind);
  }
}

export class ReservationsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Reserves every line or none, in one transaction: a repeat of a known reservation id returns
   * it unchanged; otherwise each product's stock is decremented only where enough is left (a
   * conditional UPDATE that also returns the name and price it reserved at), so stock can never go
   * below zero. The reservation row is written first (`ON CONFLICT DO NOTHING`), so that of two
   * requests with one new id, one reserves and the other finds its reservation; lines arrive in
   * product id order, so two reservations take their rows in the same order. This is the hottest
   * write of the service: plain SQL, the same on SQLite and PostgreSQL.
   */
  async reserve(id: string, lines: ReservationLine[]): Promise<ReserveOutcome> {
    const at = new Date();
    try {
      return await this.prisma.$transaction(async (tx): Promise<ReserveOutcome> => {
        const inserted = await tx.$executeRaw`
          INSERT INTO "reservations" ("id", "status", "created_at") VALUES (${id}, 'ACTIVE', ${at}) ON CONFLICT ("id") DO NOTHING`;
        if (inserted === 0) {
          const existing = await tx.reservation.findUniqueOrThrow({ where: { id }, include: { items: true } });
          return { kind: 'existing', reservation: existing };
        }
        const items: ReservationItemRecord[] = [];
        for (const [index, line] of lines.entries()) {
          const [product] = await tx.$queryRaw<{ name: string; price_cents: number }[]>`
            UPDATE "products" SET "stock" = "stock" - ${line.quantity}, "updated_at" = ${at}
            WHERE "id" = ${line.productId} AND "stock" >= ${line.quantity}
            RETURNING "name", "price_cents"`;
          if (!product) throw new Abort(await refusal(tx, lines.slice(index)));
          items.push({
            productId: line.productId,
            quantity: line.quantity,
            unitPriceCents: Number(product.price_cents),
            name: product.name,
          });
        }
        const values = items.map((item) => Prisma.sql`(${id}, ${item.productId}, ${item.quantity}, ${item.unitPriceCents}, ${item.name})`);
        await tx.$executeRaw`
          INSERT INTO "reservation_items" ("reservation_id", "product_id", "quantity", "unit_price_cents", "name")
          VALUES ${Prisma.join(values)}`;
        return { kind: 'created', reservation: { id, status: 'ACTIVE', createdAt: at, releasedAt: null, items } };
      });
    } catch (err) {
      if (err instanceof Abort) return err.outcome;
      throw err;
    }
  }

  /**
   * Puts the reserved stock back exactly once. Products deleted since are skipped.
   *
   * Releasing an id that holds nothing leaves a RELEASED tombstone under it: a reservation request
   * that timed out on the caller's side may still be on its way, and when it lands it must find
   * this id released (and reserve nothing), not take stock for an order that is already dead.
   *
   * The reservation is marked RELEASED by an update conditional on it being ACTIVE before any stock
   * is given back, so of concurrent releases (other requests, other replicas) exactly one puts the
   * stock back. Two tombstones of one id cannot both be stored: the loser finds the winner's.
   */
  async release(id: string): Promise<ReleaseOutcome> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.#release(id);
      } catch (err) {
        // A reservation or a tombstone of this id was stored meanwhile: decide again on it.
        if (!isUniqueViolation(err) || tries >= 3) throw err;
      }
    }
  }

  #release(id: string): Promise<ReleaseOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const releasedAt = new Date();
      const { count } = await tx.reservation.updateMany({ where: { id, status: 'ACTIVE' }, data: { status: 'RELEASED', releasedAt } });
      const reservation = await tx.reservation.findUnique({ where: { id }, include: { items: true } });
      if (!reservation) {
        await tx.reservation.create({ data: { id, status: 'RELEASED', releasedAt } });
        return { kind: 'not_found' } as const;
      }
      // A tombstone (no items: real reservations have at least one) held nothing: still unknown.
      if (reservation.items.length === 0) return { kind: 'not_found' } as const;
      if (count === 0) return { kind: 'already_released', reservation } as const;
      // In ascending product id, as reservations take them, so a release and a reservation never deadlock.
      for (const item of [...reservation.items].sort((a, b) => a.productId - b.productId)) {
        await tx.product.updateMany({ where: { id: item.productId }, data: { stock: { increment: item.quantity } } });
      }
      return { kind: 'released', reservation } as const;
    });
  }
}

/**
 * Why the first of `lines` could not be reserved: a product of these lines that does not exist is
 * reported before a lack of stock, whichever comes first, as a refusal of the whole request.
 */
async function refusal(tx: Prisma.TransactionClient, lines: ReservationLine[]): Promise<ReserveOutcome> {
  const ids = lines.map((line) => line.productId);
  const found = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "products" WHERE "id" IN (${Prisma.join(ids)})`;
  const existing = new Set(found.map((row) => Number(row.id)));
  const missing = ids.find((productId) => !existing.has(productId));
  return missing === undefined ? { kind: 'out_of_stock', productId: ids[0]! } : { kind: 'product_not_found', productId: missing };
}
