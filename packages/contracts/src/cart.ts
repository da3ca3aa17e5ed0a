import { text } from '@order-system/platform';
import { z } from 'zod';
import { amountJson, expected, productId, timestampJson } from './fields.js';
import { shippingAddressInput } from './order.js';

/** Most of one product a cart line may hold. */
export const CART_MAX_QUANTITY = 1000;
/** Most lines (distinct products) a cart may hold. */
export const CART_MAX_LINES = 100;

const cartQuantity = z
  .number(expected('a positive integer'))
  .int('must be a positive integer')
  .min(1, 'must be at least 1')
  .max(CART_MAX_QUANTITY, `must be at most ${CART_MAX_QUANTITY}`);

/** `POST /api/cart/items/`: the same product again adds to its line. */
export const cartItemCreateBody = z
  .strictObject({ product_id: productId, quantity: cartQuantity }, expected('a JSON object'))
  .meta({ id: 'CartItemCreate' });
export type CartItemCreate = z.infer<typeof cartItemCreateBody>;

/** `PUT /api/cart/items/{item_id}/`: the line's new quantity (DELETE removes it). */
export const cartItemUpdateBody = z.strictObject({ quantity: cartQuantity }, expected('a JSON object')).meta({ id: 'CartItemUpdate' });
export type CartItemUpdate = z.infer<typeof cartItemUpdateBody>;

/** `POST /api/cart/checkout/`: no body, `{}`, or a name and a shipping address for the order. */
export const cartCheckoutBody = z
  .strictObject(
    {
      customer_name: text({ max: 200 })
        .optional()
        .meta({ description: 'the order’s customer_name; default: the shipping address’s name, else the token’s sub' }),
      shipping_address: shippingAddressInput.nullish(),
    },
    expected('a JSON object'),
  )
  .optional()
  .meta({ id: 'CartCheckout' });
export type CartCheckout = z.infer<typeof cartCheckoutBody>;

export const cartItemJson = z.object({
  id: z.number().int().meta({ description: 'the line’s id, for PUT and DELETE /api/cart/items/{item_id}/' }),
  product_id: z.number().int(),
  name: z.string().nullable().meta({ description: 'the product’s current name; null when the product no longer exists' }),
  unit_price: amountJson.nullable().meta({ description: 'the product’s current price; null when it no longer exists' }),
  quantity: z.number().int(),
  line_total: amountJson.nullable(),
  in_stock: z.boolean().meta({ description: 'the product exists and has at least this quantity in stock now' }),
});
export type CartItemJson = z.infer<typeof cartItemJson>;

/** The cart with current prices and stock, read from the product service when it is answered. */
export const cartJson = z
  .object({
    items: z.array(cartItemJson).meta({ description: 'oldest line first' }),
    total_amount: amountJson.meta({ description: 'Σ line_total of the lines whose product exists' }),
    updated_at: timestampJson.nullable().meta({ description: 'when its lines last changed; null for a customer who never had one' }),
  })
  .meta({ id: 'Cart' });
export type CartJson = z.infer<typeof cartJson>;

export const CART_CHANGE_KINDS = ['removed', 'lowered'] as const;
export const CART_CHANGE_REASONS = ['product_not_found', 'out_of_stock'] as const;

/** One line a checkout fixed: removed (the product is gone, or none is left) or lowered to the stock there is. */
export const cartChangeJson = z.object({
  item_id: z.number().int(),
  product_id: z.number().int(),
  change: z.enum(CART_CHANGE_KINDS),
  reason: z.enum(CART_CHANGE_REASONS),
  previous_quantity: z.number().int(),
  quantity: z.number().int().meta({ description: 'what the line holds now (0: removed)' }),
});
export type CartChangeJson = z.infer<typeof cartChangeJson>;

/** 409 `cart_changed`: no order was placed; the cart was fixed, and here is what changed and the cart as it now is. */
export const cartChangedJson = z
  .object({
    error: z.string(),
    code: z.literal('cart_changed'),
    changes: z.array(cartChangeJson),
    cart: cartJson,
  })
  .meta({ id: 'CartChanged' });
export type CartChangedJson = z.infer<typeof cartChangedJson>;
