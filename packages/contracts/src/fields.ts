import { text } from '@order-system/platform';
import { z } from 'zod';

/** Field-level messages in the contract's style: "is required", "must be an integer", ... */
export const expected = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});

/**
 * The optional body of a payment's refund or void and of a reservation's void: nothing, `{}` or
 * `{"reason": "..."}` (the reason is logged). `id` names it in the OpenAPI document.
 */
export const reasonBody = (id: string) =>
  z
    .strictObject({ reason: text({ max: 500, required: false, multiline: true }).optional() }, expected('a JSON object'))
    .meta({ id })
    .optional();

export const MAX_STOCK = 1_000_000_000;
export const MAX_QUANTITY = 1_000_000;
export const MAX_ITEMS = 100;
/** Largest id a product can have (SQLite INTEGER read as a 32-bit Prisma Int). */
export const MAX_PRODUCT_ID = 2_147_483_647;

export const productId = z
  .number(expected('a positive integer'))
  .int('must be a positive integer')
  .min(1, 'must be a positive integer')
  .max(MAX_PRODUCT_ID, 'is not a valid product id');

export const quantity = z
  .number(expected('a positive integer'))
  .int('must be a positive integer')
  .min(1, 'must be at least 1')
  .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`);

export const uuid = z
  .string(expected('a UUID'))
  .pipe(z.uuid('must be a UUID'))
  .transform((value) => value.toLowerCase())
  .meta({ format: 'uuid' });

/** A UUID as the services answer it (for the OpenAPI document: `format: uuid`). */
export const uuidJson = z.string().meta({ format: 'uuid' });
/** An ISO-8601 UTC timestamp as the services answer it. */
export const timestampJson = z.string().meta({ format: 'date-time' });
/** An amount as the services answer it: a decimal string with two places. */
export const amountJson = z.string().meta({ description: 'Decimal string with two places, e.g. "49.90"', pattern: '^\\d+\\.\\d{2}$' });

/** A path segment that must be a positive integer id; anything else is "not found", never a 400. */
export function parseIdParam(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return null;
  const id = Number(value);
  return id >= 1 && id <= MAX_PRODUCT_ID ? id : null;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path segment that must be a UUID, lower-cased; null otherwise. */
export function parseUuidParam(value: unknown): string | null {
  return typeof value === 'string' && UUID_PATTERN.test(value) ? value.toLowerCase() : null;
}
