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

/** voided: the id holds a VOIDED tombstone, so nothing is reserved under it. */
export type ReserveOutcome =
  | { kind: 'created' | 'existing' | 'voided'; reservation: ReservationWithItems }
  | { kind: 'product_not_found' | 'out_of_stock'; productId: number };

/** voided: the id holds a VOIDED tombstone, nothing to put back. */
export type ReleaseOutcome =
  | { kind: 'released' | 'already_released' | 'voided'; reservation: ReservationWithItems }
  | { kind: 'not_found' };

/**
 * voided: a VOIDED tombstone stored now (the id held nothing); already_voided: stored before.
 * released: an ACTIVE reservation released by this void; already_released: released before.
 */
export interface VoidOutcome {
  kind: 'voided' | 'already_voided' | 'released' | 'already_released';
  reservation: ReservationWithItems;
}

/**
 * A tombstone holds no items; every real reservation holds at least one. A RELEASED one was left by
 * a release of an unknown id, a VOIDED one by a void.
 */
const isTombstone = (reservation: ReservationWithItems) => reservation.items.length === 0;

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
          return { kind: existing.status === 'VOIDED' ? 'voided' : 'existing', reservation: existing };
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
      if (reservation.status === 'VOIDED') return { kind: 'voided', reservation } as const;
      // A tombstone of an earlier release held nothing: still unknown.
      if (isTombstone(reservation)) return { kind: 'not_found' } as const;
      if (count === 0) return { kind: 'already_released', reservation } as const;
      // In ascending product id, as reservations take them, so a release and a reservation never deadlock.
      for (const item of [...reservation.items].sort((a, b) => a.productId - b.productId)) {
        await tx.product.updateMany({ where: { id: item.productId }, data: { stock: { increment: item.quantity } } });
      }
      return { kind: 'released', reservation } as const;
    });
  }

  /**
   * Makes a reservation under `id` impossible from now on, whatever was there: nothing -> a VOIDED
   * tombstone (no items), stored by one insert-or-nothing on the unique id, the statement a
   * reservation begins with, so the database orders a void and a reservation of one id: either the
   * reservation committed first (this void then finds it and releases it) or the tombstone did (the
   * reservation then finds it and takes nothing). An ACTIVE reservation is released as by DELETE; a
   * RELEASED one stays; a RELEASED tombstone (a release of an unknown id) becomes VOIDED.
   */
  async void(id: string): Promise<VoidOutcome> {
    const at = new Date();
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO "reservations" ("id", "status", "created_at") VALUES (${id}, 'VOIDED', ${at}) ON CONFLICT ("id") DO NOTHING`;
    if (inserted === 1) return { kind: 'voided', reservation: { id, status: 'VOIDED', createdAt: at, releasedAt: null, items: [] } };
    // Reservations are never deleted, so the row the insert found is there; releasing it is a release.
    const released = await this.release(id);
    switch (released.kind) {
      case 'released':
      case 'already_released':
        return released;
      case 'voided':
        return { kind: 'already_voided', reservation: released.reservation };
      case 'not_found':
        return this.#voidTombstone(id);
    }
  }

  /** A RELEASED tombstone becomes VOIDED, conditionally: of concurrent voids one changes it, the others find it VOIDED. */
  async #voidTombstone(id: string): Promise<VoidOutcome> {
    const { count } = await this.prisma.reservation.updateMany({
      where: { id, status: 'RELEASED', items: { none: {} } },
      data: { status: 'VOIDED' },
    });
    const reservation = await this.prisma.reservation.findUniqueOrThrow({ where: { id }, include: { items: true } });
    return { kind: count === 1 ? 'voided' : 'already_voided', reservation };
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
