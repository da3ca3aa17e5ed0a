import type { PaymentJson, PaymentStatus } from '@order-system/contracts';
import { formatCents } from '@order-system/platform';
import type { Payment } from '../generated/prisma/client.js';

export function toPaymentJson(payment: Payment): PaymentJson {
  return {
    id: payment.id,
    order_id: payment.orderId,
    amount: formatCents(payment.amountCents),
    status: payment.status as PaymentStatus,
    created_at: payment.createdAt.toISOString(),
    updated_at: payment.updatedAt.toISOString(),
    refunded_at: payment.refundedAt?.toISOString() ?? null,
  };
}
