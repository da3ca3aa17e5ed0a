import { isBlank, paginationQuery, text } from '@order-system/platform';
import { z } from 'zod';
import { COUNTRY_CODES } from './country-codes.js';
import { amountJson, expected, MAX_ITEMS, MAX_QUANTITY, productId, quantity, timestampJson, uuidJson } from './fields.js';

export const ORDER_STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The message the contract gives when the name or every product is missing. */
export const ORDER_REQUIRED_MESSAGE = 'customer_name and product_ids required';

const customerName = text({ max: 200 });

/**
 * An optional line of an address: absent, null or "" is none; anything else is text like the
 * required lines (so "   " or a lone zero-width space is refused as blank, not taken for none).
 */
const optionalLine = (max: number) =>
  text({ max, required: false, trim: false })
    .superRefine((value, ctx) => {
      if (value !== '' && isBlank(value)) ctx.addIssue({ code: 'custom', message: 'must not be blank (leave it out, or send null)' });
    })
    .transform((value) => value.trim())
    .nullish()
    .transform((value) => (value ? value : null));

const POSTAL_CODE = /^[A-Za-z0-9](?:[A-Za-z0-9 -]*[A-Za-z0-9])?$/;
const COUNTRY_MESSAGE = 'must be an ISO 3166-1 alpha-2 country code, e.g. "DE"';

/**
 * Where an order goes. Every line is one-line text (no control characters, not only invisible
 * ones); `postal_code` is letters, digits, spaces and hyphens; `country` an ISO 3166-1 alpha-2 code,
 * upper or lower case in, upper case out.
 */
export const shippingAddressInput = z.strictObject(
  {
    name: text({ max: 200 }),
    line1: text({ max: 200 }),
    line2: optionalLine(200),
    city: text({ max: 100 }),
    region: optionalLine(100),
    postal_code: z
      .string(expected('a string'))
      .trim()
      .min(1, { message: 'must not be blank', abort: true })
      .max(20, 'must be at most 20 characters')
      .regex(POSTAL_CODE, 'must be letters, digits, spaces and hyphens'),
    country: z
      .string(expected('a string'))
      .regex(/^[A-Za-z]{2}$/, COUNTRY_MESSAGE)
      .transform((code) => code.toUpperCase())
      .refine((code) => COUNTRY_CODES.has(code), COUNTRY_MESSAGE)
      .meta({ description: 'ISO 3166-1 alpha-2 country code (answered in upper case)', example: 'DE' }),
  },
  expected('an object'),
);
export type ShippingAddressInput = z.infer<typeof shippingAddressInput>;

export const shippingAddressJson = z.object({
  name: z.string(),
  line1: z.string(),
  line2: z.string().nullable(),
  city: z.string(),
  region: z.string().nullable(),
  postal_code: z.string(),
  country: z.string().meta({ description: 'ISO 3166-1 alpha-2' }),
});
export type ShippingAddressJson = z.infer<typeof shippingAddressJson>;

export const orderItemInput = z.strictObject({ product_id: productId, quantity }, expected('an object'));

/**
 * `POST /api/orders/`: either `product_ids` (each id once is quantity 1, repeats add up) or
 * `items`. JSON has one number type, so `1.0` is the product id 1, as it is for every integer
 * field of the system; `1.5` is refused.
 */
export const orderCreateBody = z
  .strictObject(
    {
      customer_name: customerName,
      product_ids: z
        .array(productId, expected('an array of product ids'))
        .min(1, 'must not be empty')
        .max(MAX_ITEMS, `must have at most ${MAX_ITEMS} entries`)
        .optional(),
      items: z
        .array(orderItemInput, expected('an array of {product_id, quantity}'))
        .min(1, 'must not be empty')
        .max(MAX_ITEMS, `must have at most ${MAX_ITEMS} items`)
        .optional(),
      shipping_address: shippingAddressInput.nullish().meta({ description: 'where the order goes (optional; null is none)' }),
    },
    expected('a JSON object'),
  )
  .superRefine((body, ctx) => {
    if (body.product_ids !== undefined && body.items !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'give either product_ids or items, not both' });
      return;
    }
    const totals = new Map<number, number>();
    for (const line of orderLines(body)) totals.set(line.product_id, (totals.get(line.product_id) ?? 0) + line.quantity);
    for (const [id, total] of totals) {
      if (total > MAX_QUANTITY) {
        ctx.addIssue({ code: 'custom', path: ['items'], message: `the quantities of product ${id} add up to more than ${MAX_QUANTITY}` });
      }
    }
  })
  .meta({ id: 'OrderCreate' });
export type OrderCreate = z.infer<typeof orderCreateBody>;

/** The requested lines of an order body as given, one per entry (not merged). */
export function orderLines(body: Pick<OrderCreate, 'product_ids' | 'items'>): { product_id: number; quantity: number }[] {
  return body.items ?? (body.product_ids ?? []).map((id) => ({ product_id: id, quantity: 1 }));
}

export const orderItemJson = z.object({
  product_id: z.number().int(),
  name: z.string().nullable().meta({ description: 'null when the product could not be looked up' }),
  unit_price: amountJson.nullable().meta({ description: 'price when the order was placed; null when unknown' }),
  quantity: z.number().int(),
  line_total: amountJson.nullable(),
});
export type OrderItemJson = z.infer<typeof orderItemJson>;

export const orderStatusChangeJson = z.object({
  from: z.enum(ORDER_STATUSES).nullable(),
  to: z.enum(ORDER_STATUSES),
  at: timestampJson,
  by: z.string(),
  reason: z.string().nullable(),
});
export type OrderStatusChangeJson = z.infer<typeof orderStatusChangeJson>;

export const orderJson = z
  .object({
    id: uuidJson,
    customer_name: z.string(),
    user_id: z.string().nullable(),
    items: z.array(orderItemJson),
    total_amount: amountJson.nullable().meta({ description: 'null only for an order cancelled before every price was known' }),
    status: z.enum(ORDER_STATUSES),
    cancellation_reason: z.string().nullable(),
    payment_status: z.enum(['COMPLETED', 'FAILED', 'REFUNDED']).nullable(),
    created_at: timestampJson,
    updated_at: timestampJson,
    status_history: z.array(orderStatusChangeJson),
    shipping_address: shippingAddressJson.nullable().meta({ description: 'null when the order was placed without one' }),
  })
  .meta({ id: 'Order' });
export type OrderJson = z.infer<typeof orderJson>;

/** A create-order answer that is not 201: the order as recorded, and why it was not completed. */
export const orderOutcomeJson = orderJson.extend({ error: z.string(), code: z.string() }).meta({ id: 'OrderOutcome' });
export type OrderOutcomeJson = z.infer<typeof orderOutcomeJson>;

/** `GET /api/orders/`: a page of orders, newest first, optionally of one status. */
export const orderListQuery = paginationQuery.extend({
  status: z.enum(ORDER_STATUSES, { error: `must be one of ${ORDER_STATUSES.join(', ')}` }).optional(),
});
export type OrderListQuery = z.infer<typeof orderListQuery>;

/** `POST /api/orders/{id}/cancel/`: no body, `{}` or `{"reason": "..."}` (1–500 characters once trimmed). */
export const orderCancelBody = z
  .strictObject(
    {
      reason: text({ max: 500, multiline: true })
        .optional()
        .meta({ description: 'why; default "Cancelled by customer" or "Cancelled by admin"' }),
    },
    expected('a JSON object'),
  )
  .optional()
  .meta({ id: 'OrderCancel' });
export type OrderCancel = z.infer<typeof orderCancelBody>;

/** The statuses an admin may set by hand: an order ships, then it is delivered. */
export const FULFILMENT_STATUSES = ['SHIPPED', 'DELIVERED'] as const;

const TRACKING_NUMBER = /^[A-Za-z0-9](?:[A-Za-z0-9 -]*[A-Za-z0-9])?$/;

/** `PATCH /api/orders/{id}/status/`; with SHIPPED, optionally the carrier and the tracking number. */
export const orderStatusBody = z
  .strictObject(
    {
      status: z.enum(FULFILMENT_STATUSES, {
        error: (issue) => (issue.input === undefined ? 'is required' : 'must be SHIPPED or DELIVERED (use /cancel/ to cancel)'),
      }),
      carrier: text({ max: 100 }).optional().meta({ description: 'with SHIPPED only, e.g. "DHL"' }),
      tracking_number: z
        .string(expected('a string'))
        .trim()
        .min(1, { message: 'must not be blank', abort: true })
        .max(100, 'must be at most 100 characters')
        .regex(TRACKING_NUMBER, 'must be letters, digits, spaces and hyphens')
        .optional()
        .meta({ description: 'with SHIPPED only' }),
    },
    expected('a JSON object'),
  )
  .superRefine((body, ctx) => {
    if (body.status === 'SHIPPED') return;
    for (const field of ['carrier', 'tracking_number'] as const) {
      if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is only taken with "status": "SHIPPED"' });
    }
  })
  .meta({ id: 'OrderStatusUpdate' });
export type OrderStatusUpdate = z.infer<typeof orderStatusBody>;

/** `GET /api/orders/{id}/tracking/`: where the order is and where it goes. */
export const orderTrackingJson = z
  .object({
    order_id: uuidJson,
    status: z.enum(ORDER_STATUSES),
    carrier: z.string().nullable(),
    tracking_number: z.string().nullable(),
    shipping_address: shippingAddressJson.nullable(),
    history: z.array(orderStatusChangeJson).meta({ description: 'the status history, oldest first' }),
  })
  .meta({ id: 'OrderTracking' });
export type OrderTrackingJson = z.infer<typeof orderTrackingJson>;
