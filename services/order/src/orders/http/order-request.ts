import { ORDER_REQUIRED_MESSAGE, type OrderCreate, orderCreateBody, orderLines, type ShippingAddressInput } from '@order-system/contracts';
import { type ErrorDetails, isBlank as isBlankText, parseOrThrow, ValidationError } from '@order-system/platform';
import type { OrderLine, ShippingAddress } from '../domain/order.js';

/**
 * The create-order body, validated. A missing or blank name, or no products at all, gets the
 * contract's own message; anything else wrong gets the usual "Validation failed" with details.
 */
export function parseCreateOrder(body: unknown): OrderCreate {
  if (body === undefined || isRecord(body)) {
    const fields = (body ?? {}) as Record<string, unknown>;
    const missing: ErrorDetails = {};
    if (isBlank(fields.customer_name)) missing.customer_name = ['is required'];
    if (isEmptyList(fields.product_ids) && isEmptyList(fields.items)) missing.product_ids = ['is required (or items)'];
    if (Object.keys(missing).length > 0) throw new ValidationError(missing, ORDER_REQUIRED_MESSAGE);
  }
  return parseOrThrow(orderCreateBody, body);
}

/** One line per product, in the order they were first asked for; repeated ids add up. */
export function mergeLines(body: OrderCreate): OrderLine[] {
  const quantities = new Map<number, number>();
  for (const line of orderLines(body)) quantities.set(line.product_id, (quantities.get(line.product_id) ?? 0) + line.quantity);
  return [...quantities].map(([productId, quantity]) => ({ productId, quantity }));
}

/** A validated shipping address as the domain holds it; null when none was given. */
export function toShippingAddress(input: ShippingAddressInput | null | undefined): ShippingAddress | null {
  if (!input) return null;
  const { name, line1, line2, city, region, postal_code: postalCode, country } = input;
  return { name, line1, line2, city, region, postalCode, country };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBlank(value: unknown): boolean {
  // Only invisible characters (a zero-width space, a BOM) is as blank as only spaces.
  return value === undefined || value === null || (typeof value === 'string' && isBlankText(value));
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}
