import type { Logger } from '@order-system/platform';
import type { Response } from 'express';
import type { Order } from '../domain/order.js';
import type { FailureCode } from '../domain/order-failures.js';
import { type IdempotencyService, readIdempotencyKey, type StoredAnswer } from '../idempotency/idempotency.js';
import type { ReadOrders } from '../lifecycle/read-orders.js';
import type { Placement } from '../placement/place-order.js';
import { toOrderJson } from './order-json.js';

/** The HTTP status of an order cancelled for each reason, as POST /api/orders/ answers it (with the order, `error` and `code`). */
const FAILURE_STATUS: Record<FailureCode, number> = {
  product_not_found: 400,
  out_of_stock: 400,
  amount_too_large: 400,
  payment_failed: 400,
  payment_refunded: 400,
  order_cancelled: 400,
  // Faults on the service's side: nothing was charged (or it was refunded); trying again may work.
  product_service_unavailable: 503,
  payment_service_unavailable: 503,
  order_interrupted: 503,
  payment_amount_mismatch: 503,
  stock_not_confirmed: 503,
};

export const PAYMENT_PENDING = {
  code: 'payment_pending',
  message: 'The payment could not be confirmed yet; the order stays PENDING until its outcome is known',
} as const;

/**
 * The answer POST /api/orders/ gives for an order as it now is: 201 once it is paid (or beyond);
 * 202 `payment_pending` while undecided; a CANCELLED order with its reason as `error` and its code.
 * Also the answer for an order that another worker decided, and for a repeat under an
 * Idempotency-Key whose first request was interrupted.
 */
export function answerForOrder(order: Order): StoredAnswer {
  if (order.status === 'PENDING') {
    return { status: 202, body: { ...toOrderJson(order), error: PAYMENT_PENDING.message, code: PAYMENT_PENDING.code } };
  }
  if (order.status !== 'CANCELLED') return { status: 201, body: toOrderJson(order) };
  const code = order.failureCode ?? 'order_cancelled';
  return {
    status: FAILURE_STATUS[code] ?? 400,
    body: { ...toOrderJson(order), error: order.cancellationReason ?? 'Order cancelled', code },
  };
}

/** The answer for each way placing the order `orderId` ends; there is none when there is no order to answer with. */
export function answerForPlacement(placement: Placement, orderId: string | undefined): StoredAnswer {
  if (placement.kind === 'cancelled') {
    const { order, failure } = placement;
    return { status: FAILURE_STATUS[failure.code], body: { ...toOrderJson(order), error: failure.message, code: failure.code } };
  }
  if (placement.kind !== 'not_placed' && placement.order) return answerForOrder(placement.order);
  throw new Error(`order ${orderId} was taken over and then could not be read`);
}

/** A request that creates an order (POST /api/orders/, a cart's checkout). */
export interface OrderCreation {
  /** Whose Idempotency-Keys these are. */
  scope: string;
  /** The Idempotency-Key header, if any. */
  keyHeader: string | undefined;
  /** What the key is bound to: the same key with another body is a 422. */
  body: unknown;
}

/**
 * Runs `place` once without an Idempotency-Key (the order id its own); with one, under the key's
 * records, a repeat answered from what became of the key's order.
 */
export async function answerOrderCreation(
  uses: { idempotency: IdempotencyService; read: ReadOrders },
  request: OrderCreation,
  place: (orderId?: string) => Promise<StoredAnswer>,
  log: Logger,
): Promise<StoredAnswer & { replayed: boolean }> {
  const key = readIdempotencyKey(request.keyHeader);
  if (key === undefined) return { ...(await place()), replayed: false };
  return uses.idempotency.run(
    { scope: request.scope, key, body: request.body },
    {
      execute: place,
      answerFor: async (orderId) => {
        const order = await uses.read.find(orderId);
        return order ? answerForOrder(order) : null;
      },
    },
    log,
  );
}

/** Sends an answer of order creation: with its order's Location, and Idempotent-Replayed on a replay. */
export function sendOrderAnswer(res: Response, answer: StoredAnswer & { replayed: boolean }): void {
  const orderId = (answer.body as { id?: unknown } | null)?.id;
  if (typeof orderId === 'string') res.location(`/api/orders/${orderId}/`);
  if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(answer.status).json(answer.body);
}
