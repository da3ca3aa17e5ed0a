import { positiveMoneyCents, text } from '@order-system/platform';
import { z } from 'zod';
import { amountJson, expected, MAX_ITEMS, MAX_STOCK, productId, quantity, timestampJson, uuid, uuidJson } from './fields.js';

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

export const reservationJson = z
  .object({
    reservation_id: uuidJson,
    status: z.enum(['ACTIVE', 'RELEASED']),
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
