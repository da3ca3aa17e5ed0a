import type { ReservationJson, ReservationRequest, ReservationStatus } from '@order-system/contracts';
import { ConflictError, type Counter, formatCents, NotFoundError, type RequestContext } from '@order-system/platform';
import type {
  ReleaseOutcome,
  ReservationLine,
  ReservationsRepository,
  ReservationWithItems,
  ReserveOutcome,
  VoidOutcome,
} from './reservations.repository.js';

export class ReservationProductNotFoundError extends NotFoundError {
  constructor(productId: number) {
    super(`Product ${productId} not found`, 'product_not_found', { extra: { product_id: productId } });
  }
}

export class OutOfStockError extends ConflictError {
  constructor(productId: number) {
    super('out_of_stock', `Product ${productId} is out of stock`, { extra: { product_id: productId } });
  }
}

export class ReservationNotFoundError extends NotFoundError {
  constructor() {
    super('Reservation not found', 'reservation_not_found');
  }
}

export class ReservationVoidedError extends ConflictError {
  constructor(id: string) {
    super('reservation_voided', `Reservation ${id} was voided; nothing was reserved`, { extra: { reservation_id: id } });
  }
}

/** Lines of the same product are added up, and ordered by product id. */
export function mergeLines(items: ReservationRequest['items']): ReservationLine[] {
  const totals = new Map<number, number>();
  for (const item of items) totals.set(item.product_id, (totals.get(item.product_id) ?? 0) + item.quantity);
  return [...totals].sort(([a], [b]) => a - b).map(([productId, quantity]) => ({ productId, quantity }));
}

export const RESERVE_OUTCOMES: readonly ReserveOutcome['kind'][] = ['created', 'existing', 'voided', 'out_of_stock', 'product_not_found'];
export const RELEASE_OUTCOMES: readonly ReleaseOutcome['kind'][] = ['released', 'already_released', 'voided', 'not_found'];
export const VOID_OUTCOMES: readonly (VoidOutcome['kind'] | 'not_found')[] = [
  'voided',
  'already_voided',
  'released',
  'already_released',
  'not_found',
];

/** reservations_total, reservation_releases_total and reservation_voids_total, by outcome. */
export interface ReservationCounters {
  reservations: Counter<'outcome'>;
  releases: Counter<'outcome'>;
  voids: Counter<'outcome'>;
}

export class ReservationsService {
  constructor(
    private readonly reservations: ReservationsRepository,
    private readonly counters: ReservationCounters,
  ) {}

  async reserve(request: ReservationRequest, { log }: RequestContext): Promise<{ created: boolean; reservation: ReservationWithItems }> {
    const outcome = await this.reservations.reserve(request.reservation_id, mergeLines(request.items));
    this.counters.reservations.inc({ outcome: outcome.kind });
    switch (outcome.kind) {
      case 'product_not_found':
        throw new ReservationProductNotFoundError(outcome.productId);
      case 'out_of_stock':
        log.info({ reservation_id: request.reservation_id, product_id: outcome.productId }, 'reservation refused: out of stock');
        throw new OutOfStockError(outcome.productId);
      case 'created':
        log.info({ reservation_id: request.reservation_id, items: outcome.reservation.items.length }, 'stock reserved');
        return { created: true, reservation: outcome.reservation };
      case 'existing':
        return { created: false, reservation: outcome.reservation };
      case 'voided':
        log.warn({ reservation_id: request.reservation_id }, 'reservation refused: the id was voided');
        throw new ReservationVoidedError(request.reservation_id);
    }
  }

  async release(id: string | null, { log }: RequestContext): Promise<ReservationWithItems> {
    const outcome = id === null ? ({ kind: 'not_found' } as const) : await this.reservations.release(id);
    this.counters.releases.inc({ outcome: outcome.kind });
    if (outcome.kind === 'not_found') throw new ReservationNotFoundError();
    if (outcome.kind === 'released') log.info({ reservation_id: id }, 'reservation released');
    return outcome.reservation;
  }

  /**
   * Makes a reservation under this id impossible from now on (see the repository): the stock twin
   * of a payment void. The order service voids before it concludes "nothing reserved" about a
   * reservation whose answer it never got, so a reservation still on its way takes nothing.
   */
  async void(id: string | null, reason: string | undefined, { log }: RequestContext): Promise<ReservationWithItems> {
    if (id === null) {
      this.counters.voids.inc({ outcome: 'not_found' });
      throw new ReservationNotFoundError();
    }
    const outcome = await this.reservations.void(id);
    this.counters.voids.inc({ outcome: outcome.kind });
    const fields = { reservation_id: id, reason: reason ?? null };
    if (outcome.kind === 'voided') log.info(fields, 'reservation voided: nothing was reserved');
    else if (outcome.kind === 'released') log.info(fields, 'reservation released by a void');
    return outcome.reservation;
  }
}

export function toReservationJson(reservation: ReservationWithItems): ReservationJson {
  return {
    reservation_id: reservation.id,
    status: reservation.status as ReservationStatus,
    items: [...reservation.items]
      .sort((a, b) => a.productId - b.productId)
      .map((item) => ({
        product_id: item.productId,
        quantity: item.quantity,
        unit_price: formatCents(item.unitPriceCents),
        name: item.name,
      })),
    created_at: reservation.createdAt.toISOString(),
    released_at: reservation.releasedAt?.toISOString() ?? null,
  };
}
