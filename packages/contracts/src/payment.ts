import { paginationQuery, parseMoney } from '@order-system/platform';
import { z } from 'zod';
import { amountJson, expected, reasonBody, timestampJson, uuid, uuidJson } from './fields.js';

/**
 * COMPLETED: charged. FAILED: declined, nothing charged (a new charge may process it again).
 * REFUNDED: charged, then given back. VOIDED: sealed by the caller before anything was charged
 * (a tombstone): nothing was charged and no charge can land on the order any more.
 */
export const PAYMENT_STATUSES = ['COMPLETED', 'FAILED', 'REFUNDED', 'VOIDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * A payment amount as integer cents (>= 0): a decimal string or a JSON number with at most two
 * decimal places (the platform's parseMoney). Zero is accepted, and the payment is then recorded
 * as FAILED. The union comes first so a missing amount says "is required" and the JSON schema
 * says string or number.
 */
const amount = z
  .union([z.string(), z.number()], expected('a decimal string or a number'))
  .transform((value, ctx) => {
    const parsed = parseMoney(value);
    if (parsed.ok) return parsed.cents;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  })
  .meta({ description: 'Decimal string or number, at most two decimal places, e.g. "50.00"; 0 makes a FAILED payment' });

export const paymentBody = z.strictObject({ order_id: uuid, amount }, expected('a JSON object')).meta({ id: 'PaymentRequest' });
export type PaymentRequest = z.infer<typeof paymentBody>;

/** The optional body of a refund or a void: nothing, `{}` or `{"reason": "..."}` (the reason is logged). */
export const paymentActionBody = reasonBody('PaymentAction');

export type PaymentActionRequest = z.infer<typeof paymentActionBody>;

/** The payment as the payment service answers it. */
export const paymentJson = z
  .object({
    id: uuidJson,
    order_id: uuidJson,
    amount: amountJson,
    status: z.enum(PAYMENT_STATUSES),
    created_at: timestampJson,
    updated_at: timestampJson,
    refunded_at: timestampJson.nullable(),
  })
  .meta({ id: 'Payment' });
export type PaymentJson = z.infer<typeof paymentJson>;

/**
 * The 409 of a void refused because the order was charged (`payment_completed`) or charged and
 * refunded (`payment_refunded`): the error plus the payment's fields, so the caller learns the
 * charge from the refusal itself.
 */
export const paymentConflictJson = z
  .object({
    error: z.string(),
    code: z.string(),
    payment_id: uuidJson,
    order_id: uuidJson,
    amount: amountJson,
    status: z.enum(PAYMENT_STATUSES),
  })
  .meta({ id: 'PaymentConflict' });
export type PaymentConflictJson = z.infer<typeof paymentConflictJson>;

/** How many order ids `GET /api/payments/?order_ids=` takes at most. */
export const MAX_LISTED_ORDER_IDS = 100;
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const ORDER_IDS_PATTERN = new RegExp(`^${UUID}(,${UUID})*$`);

/** `?order_ids=`: order uuids separated by commas (no spaces), 1 to 100; the distinct ids, lower-cased. */
const orderIds = z
  .string()
  .transform((value, ctx) => {
    const problem = orderIdsProblem(value);
    if (problem === null) return [...new Set(value.toLowerCase().split(','))];
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  })
  .optional()
  .meta({
    type: 'string',
    description: `Only the payments of these orders: 1 to ${MAX_LISTED_ORDER_IDS} order ids (UUIDs) separated by commas`,
  });

function orderIdsProblem(value: string): string | null {
  if (value === '') return 'must list at least one order id';
  // Counted before the pattern is tried, so a huge list is refused without scanning it.
  if (value.split(',').length > MAX_LISTED_ORDER_IDS) return `must list at most ${MAX_LISTED_ORDER_IDS} order ids`;
  if (!ORDER_IDS_PATTERN.test(value)) return 'must be UUIDs separated by commas';
  return null;
}

/**
 * `?updated_after=`: an instant, ISO-8601 with a time zone (`Z` or an offset; a `+` written `%2B` in a
 * URL). Rows updated strictly after it.
 */
const updatedAfter = z
  .string()
  .transform((value, ctx) => {
    const at = z.iso.datetime({ offset: true }).safeParse(value).success ? new Date(value) : null;
    if (at && !Number.isNaN(at.getTime())) return at;
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-12-01T10:00:00Z' });
    return z.NEVER;
  })
  .optional()
  .meta({
    type: 'string',
    format: 'date-time',
    description: 'Only payments updated strictly after this instant (ISO-8601 with Z or an offset; write + as %2B)',
  });

/** The query of `GET /api/payments/`: filters, then a page in updated_at order. */
export const paymentListQuery = paginationQuery.extend({
  order_ids: orderIds,
  status: z
    .enum(PAYMENT_STATUSES, { error: `must be one of ${PAYMENT_STATUSES.join(', ')}` })
    .optional()
    .meta({ description: 'Only payments with this status' }),
  updated_after: updatedAfter,
});
export type PaymentListQuery = z.infer<typeof paymentListQuery>;

export const paymentList = z.array(paymentJson);
