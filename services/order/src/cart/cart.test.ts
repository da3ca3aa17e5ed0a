import { describe, expect, it } from 'vitest';
import type { CatalogueProduct } from '../upstream/product.client.js';
import { type Cart, stockChanges, viewOf } from './cart.js';

const cart = (lines: [number, number][]): Cart => ({
  userId: 'u1',
  version: 3,
  lines: lines.map(([productId, quantity], i) => ({ id: i + 1, productId, quantity })),
  updatedAt: new Date('2026-12-01T10:00:00.000Z'),
  checkingOutAs: null,
});
const catalogue = (...products: [number, number, number][]): Map<number, CatalogueProduct> =>
  new Map(products.map(([id, priceCents, stock]) => [id, { id, name: `P${id}`, priceCents, stock }]));

describe('a cart against the catalogue', () => {
  it('when every product is there with enough stock, then each line is priced now and nothing needs changing', () => {
    const lines = cart([
      [1, 2],
      [2, 1],
    ]);
    const now = catalogue([1, 2500, 5], [2, 999, 1]);

    expect(viewOf(lines, now)).toMatchObject({
      totalCents: 5999,
      lines: [
        { productId: 1, name: 'P1', unitPriceCents: 2500, inStock: true },
        { productId: 2, unitPriceCents: 999, inStock: true },
      ],
    });
    expect(stockChanges(lines, now)).toEqual([]);
  });

  it('when a product is gone, has none or too few, then its line is removed or lowered to the stock there is, and left out of the total', () => {
    const lines = cart([
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 1],
    ]);
    const now = catalogue([2, 100, 0], [3, 100, 3], [4, 100, 9]);

    expect(stockChanges(lines, now)).toEqual([
      { itemId: 1, productId: 1, change: 'removed', reason: 'product_not_found', previousQuantity: 2, quantity: 0 },
      { itemId: 2, productId: 2, change: 'removed', reason: 'out_of_stock', previousQuantity: 3, quantity: 0 },
      { itemId: 3, productId: 3, change: 'lowered', reason: 'out_of_stock', previousQuantity: 4, quantity: 3 },
    ]);
    const view = viewOf(lines, now);
    expect(view.lines[0]).toMatchObject({ name: null, unitPriceCents: null, inStock: false });
    expect(view.lines.map((line) => line.inStock)).toEqual([false, false, false, true]);
    expect(view.totalCents).toBe(800);
  });
});
