import { isUniqueViolation } from '@order-system/platform';
import type { PrismaClient, Reservation, ReservationItem } from '../generated/prisma/client.js';

export type ReservationWithItems = Reservation & { items: ReservationItem[] };

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
   * Reserves every line or none, in one transaction: a repeat of a known reservation id
   * returns it unchanged; otherwise each product's stock is decremented only where enough is
   * left (a conditional UPDATE), so stock can never go below zero.
   *
   * On PostgreSQL, where reservations run at the same time: the decrements lock their product rows
   * in ascending product id, whatever order the lines came in, so two reservations of the same
   * products always queue in the same order and never deadlock; and when two requests with one new
   * id race, the reservation's primary key lets one commit and rolls the other back (its
   * decrements with it), which then answers as a repeat.
   */
  async reserve(id: string, lines: ReservationLine[]): Promise<ReserveOutcome> {
    try {
      return await this.#reserve(id, lines);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.prisma.reservation.findUnique({ where: { id }, include: { items: true } });
      if (!existing) throw err;
      return { kind: 'existing', reservation: existing };
    }
  }

  async #reserve(id: string, lines: ReservationLine[]): Promise<ReserveOutcome> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const existing = await tx.reservation.findUnique({ where: { id }, include: { items: true } });
        if (existing) return { kind: 'existing', reservation: existing } as const;

        const products = await tx.product.findMany({ where: { id: { in: lines.map((line) => line.productId) } } });
        const byId = new Map(products.map((product) => [product.id, product]));
        const missing = lines.find((line) => !byId.has(line.productId));
        if (missing) throw new Abort({ kind: 'product_not_found', productId: missing.productId });

        for (const line of [...lines].sort((a, b) => a.productId - b.productId)) {
          const { count } = await tx.product.updateMany({
            where: { id: line.productId, stock: { gte: line.quantity } },
            data: { stock: { decrement: line.quantity } },
          });
          if (count === 0) throw new Abort({ kind: 'out_of_stock', productId: line.productId });
        }

        const reservation = await tx.reservation.create({
          data: {
            id,
            status: 'ACTIVE',
            items: {
              create: lines.map((line) => {
                const product = byId.get(line.productId);
                if (!product) throw new Error(`product ${line.productId} vanished inside a transaction`);
                return { productId: line.productId, quantity: line.quantity, unitPriceCents: product.priceCents, name: product.name };
              }),
            },
          },
          include: { items: true },
        });
        return { kind: 'created', reservation } as const;
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
    try {
      return await this.#release(id);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return this.#release(id);
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
