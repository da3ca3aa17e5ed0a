import type { Claims, Counter } from '@order-system/platform';
import type { CallContext } from '../upstream/upstream-client.js';
import type { IdempotencyService, StoredAnswer } from './idempotency.service.js';
import type { OrderLine } from './order.types.js';
import { answerForCurrentOrder, answerForPlacedOrder } from './order-answer.js';
import { OrderExistsError } from './orders.repository.js';
import type { OrdersService, PlacedOrder } from './orders.service.js';

export interface CreateOrderRequest {
  customerName: string;
  lines: OrderLine[];
  /** The caller's token, if any. */
  caller: Claims | undefined;
  /** The Idempotency-Key header, validated; undefined when not sent. */
  idempotencyKey: string | undefined;
  /** The body as sent, which a repeat with the same key must match. */
  body: unknown;
}

/**
 * POST /api/orders/ as a whole: who the order belongs to, the workflow, and, with an
 * Idempotency-Key, the replay of an earlier answer instead of a second order.
 */
export class OrderCreationService {
  constructor(
    private readonly orders: OrdersService,
    private readonly idempotency: IdempotencyService,
    /** orders_total: one per order this service placed, by final status and failure code ('none' when PAID). */
    private readonly placed: Counter<'status' | 'code'>,
  ) {}

  async create(request: CreateOrderRequest, ctx: CallContext): Promise<StoredAnswer & { replayed: boolean }> {
    const { caller } = request;
    // Counted here, where a replay of an earlier answer never reaches: one count per order placed.
    const place = async (orderId?: string) => {
      let placed: PlacedOrder;
      try {
        placed = await this.orders.placeOrder(
          {
            orderId,
            customerName: request.customerName,
            // Only a customer token binds the order to a user; admins and services order anonymously.
            userId: caller?.role === 'customer' ? caller.sub : null,
            lines: request.lines,
          },
          ctx,
        );
      } catch (err) {
        // Placed by another request under this Idempotency-Key after all: its order is the answer (and was counted there).
        if (err instanceof OrderExistsError) return answerForCurrentOrder(err.order);
        throw err;
      }
      this.placed.inc({ status: placed.order.status, code: placed.failure?.code ?? 'none' });
      return answerForPlacedOrder(placed);
    };
    if (request.idempotencyKey === undefined) return { ...(await place()), replayed: false };
    return this.idempotency.run(
      { scope: caller ? `${caller.role}:${caller.sub}` : 'anonymous', key: request.idempotencyKey, body: request.body },
      {
        execute: place,
        answerFor: async (orderId) => {
          const order = await this.orders.findOrder(orderId);
          return order ? answerForCurrentOrder(order) : null;
        },
      },
      ctx.log,
    );
  }
}
