import type { OrderJson, OrderTrackingJson, ShippingAddressJson } from '@order-system/contracts';
import { formatCents } from '@order-system/platform';
import type { Order, ShippingAddress, StatusChange } from '../domain/order.js';

const VISIBLE_PAYMENT_STATUSES = new Set(['COMPLETED', 'FAILED', 'REFUNDED']);

export function toOrderJson(order: Order): OrderJson {
  return {
    id: order.id,
    customer_name: order.customerName,
    user_id: order.userId,
    items: order.items.map((item) => ({
      product_id: item.productId,
      name: item.name,
      unit_price: item.unitPriceCents === null ? null : formatCents(item.unitPriceCents),
      quantity: item.quantity,
      line_total: item.unitPriceCents === null ? null : formatCents(item.unitPriceCents * item.quantity),
    })),
    total_amount: order.totalCents === null ? null : formatCents(order.totalCents),
    status: order.status,
    cancellation_reason: order.cancellationReason,
    payment_status: paymentStatus(order),
    created_at: order.createdAt.toISOString(),
    updated_at: order.updatedAt.toISOString(),
    status_history: order.history.map(toStatusChangeJson),
    shipping_address: toShippingAddressJson(order.shippingAddress),
  };
}

/** GET /api/orders/{id}/tracking/: where the order is, how it travels and where it goes. */
export function toTrackingJson(order: Order): OrderTrackingJson {
  return {
    order_id: order.id,
    status: order.status,
    carrier: order.tracking.carrier,
    tracking_number: order.tracking.trackingNumber,
    shipping_address: toShippingAddressJson(order.shippingAddress),
    history: order.history.map(toStatusChangeJson),
  };
}

function toStatusChangeJson(change: StatusChange): OrderJson['status_history'][number] {
  return { from: change.from, to: change.to, at: change.at.toISOString(), by: change.by, reason: change.reason };
}

function toShippingAddressJson(address: ShippingAddress | null): ShippingAddressJson | null {
  if (!address) return null;
  const { name, line1, line2, city, region, postalCode, country } = address;
  return { name, line1, line2, city, region, postal_code: postalCode, country };
}

/**
 * What the payment service said about this order's payment; null while there is none we know of.
 * While a refund is owed but not confirmed, a payment we saw completed is still COMPLETED.
 */
function paymentStatus(order: Order): OrderJson['payment_status'] {
  if (order.paymentState === 'REFUND_PENDING') return order.paymentId === null ? null : 'COMPLETED';
  return VISIBLE_PAYMENT_STATUSES.has(order.paymentState) ? (order.paymentState as OrderJson['payment_status']) : null;
}
