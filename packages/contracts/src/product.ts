import { paginationQuery, positiveMoneyCents, text } from '@order-system/platform';
import { z } from 'zod';
import {
  amountJson,
  expected,
  MAX_ITEMS,
  MAX_PRODUCT_ID,
  MAX_STOCK,
  productId,
  quantity,
  reasonBody,
  timestampJson,
  uuid,
  uuidJson,
} from './fields.js';

const name = text({ max: 200 });
// Kept as written (not trimmed), and it may be empty.
const description = text({ max: 2000, required: false, trim: false, multiline: true });
const stock = z
  .number(expected('an integer'))
  .int('must be an integer')
  .min(0, 'must be greater than or equal to 0')
  .max(MAX_STOCK, `must be at most ${MAX_STOCK}`);

export const productCreateBody = z
  .strictObject({ name, description: description.default(''), price: positiveMoneyCents, stock }, expected('a JSON object'))
  .meta({ id: 'ProductCreate' });
export type ProductCreate = z.infer<typeof productCreateBody>;

export const productPatchBody = z
  .strictObject({ name, description, price: positiveMoneyCents, stock }, expected('a JSON object'))
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'must change at least one field')
  .meta({ id: 'ProductPatch' });
export type ProductPatch = z.infer<typeof productPatchBody>;

/** The product as the product service answers it. */
export const productJson = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    price: amountJson,
    stock: z.number().int(),
    created_at: timestampJson,
    updated_at: timestampJson,
  })
  .meta({ id: 'Product' });
export type ProductJson = z.infer<typeof productJson>;

/** How many ids `GET /api/products/?ids=` takes at most. */
export const MAX_LISTED_IDS = 100;
const ID_LIST_PATTERN = /^\d{1,10}(,\d{1,10})*$/;

/**
 * `?ids=1,2,3`: positive integer ids separated by commas (no spaces), at most 100; repeats are
 * answered once. The distinct ids, ascending.
 */
const productIds = z
  .string()
  .transform((value, ctx) => {
    const problem = idListProblem(value);
    if (problem === null) return [...new Set(value.split(',').map(Number))].sort((a, b) => a - b);
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  })
  .optional()
  .meta({
    // What the OpenAPI document says: the query string carries the list as one string.
    type: 'string',
    pattern: ID_LIST_PATTERN.source,
    description: `Only these products: 1 to ${MAX_LISTED_IDS} ids separated by commas (e.g. 1,2,3); unknown ids are left out`,
  });

function idListProblem(value: string): string | null {
  if (value === '') return 'must list at least one product id';
  if (!ID_LIST_PATTERN.test(value)) return 'must be positive integers separated by commas';
  const ids = value.split(',').map(Number);
  if (ids.length > MAX_LISTED_IDS) return `must list at most ${MAX_LISTED_IDS} ids`;
  if (ids.some((id) => id < 1 || id > MAX_PRODUCT_ID)) return `must be integers from 1 to ${MAX_PRODUCT_ID}`;
  return null;
}

/** The query of `GET /api/products/`: a page, optionally of the listed ids only. */
export const productListQuery = paginationQuery.extend({ ids: productIds });
export type ProductListQuery = z.infer<typeof productListQuery>;

export const reservationItemInput = z.strictObject({ product_id: productId, quantity }, expected('an object'));

export const reservationBody = z
  .strictObject(
    {
      reservation_id: uuid,
      items: z
        .array(reservationItemInput, expected('an array'))
        .min(1, 'must not be empty')
        .max(MAX_ITEMS, `must have at most ${MAX_ITEMS} items`),
    },
    expected('a JSON object'),
  )
  .meta({ id: 'ReservationRequest' });
export type ReservationRequest = z.infer<typeof reservationBody>;

/**
 * ACTIVE: the stock is held. RELEASED: it was given back. VOIDED: a tombstone stored by a void of an
 * id that held nothing: nothing was reserved, and nothing can be under that id any more.
 */
export const RESERVATION_STATUSES = ['ACTIVE', 'RELEASED', 'VOIDED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** The optional body of a void: nothing, `{}` or `{"reason": "..."}` (the reason is logged), as a payment void's. */
export const reservationVoidBody = reasonBody('ReservationVoid');

export const reservationJson = z
  .object({
    reservation_id: uuidJson,
    status: z.enum(RESERVATION_STATUSES),
    items: z.array(z.object({ product_id: z.number().int(), quantity: z.number().int(), unit_price: amountJson, name: z.string() })),
    created_at: timestampJson,
    released_at: timestampJson.nullable(),
  })
  .meta({ id: 'Reservation' });
export type ReservationJson = z.infer<typeof reservationJson>;

export const tokenBody = z
  .strictObject(
    {
      username: text({ max: 200, trim: false }),
      // Any characters but control characters; compared as they are, so never trimmed.
      password: text({ max: 200, trim: false, required: false, multiline: true }).min(1, 'must not be empty'),
    },
    expected('a JSON object'),
  )
  .meta({ id: 'TokenRequest' });
export const refreshBody = z
  .strictObject({ refresh: z.string(expected('a string')).min(1, 'must not be empty').max(4096) }, expected('a JSON object'))
  .meta({ id: 'RefreshRequest' });

/** `POST /api/token/`: an admin's tokens. */
export const tokensJson = z
  .object({
    access: z.string().meta({ description: 'Access token (JWT, role admin), valid 15 minutes' }),
    refresh: z.string().meta({ description: 'Refresh token (JWT), valid 1 day; only for POST /api/token/refresh/' }),
  })
  .meta({ id: 'Tokens' });
/** `POST /api/token/refresh/`: a new access token. */
export const accessJson = z
  .object({ access: z.string().meta({ description: 'A new access token (JWT), valid 15 minutes' }) })
  .meta({ id: 'AccessToken' });
