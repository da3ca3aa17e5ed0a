import { parseMoney, text } from '@order-system/platform';
import { z } from 'zod';
import { amountJson, expected, timestampJson, uuid, uuidJson } from './fields.js';

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
export const paymentActionBody = z
  .strictObject({ reason: text({ max: 500, required: false, multiline: true }).optional() }, expected('a JSON object'))
  .meta({ id: 'PaymentAction' })
  .optional();

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
