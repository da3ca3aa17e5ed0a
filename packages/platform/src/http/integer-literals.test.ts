import { describe, expect, it } from 'vitest';
import { keysWithNonIntegerLiterals } from './integer-literals.js';

const KEYS = new Set(['product_ids', 'product_id', 'quantity', 'stock']);

describe('keysWithNonIntegerLiterals', () => {
  it.each([
    ['{"product_ids": [1.0]}', ['product_ids']],
    ['{"product_ids": [1, 2, 3e0]}', ['product_ids']],
    ['{"items": [{"product_id": 1, "quantity": 2.0}]}', ['quantity']],
    ['{"items": [{"product_id": 1E0, "quantity": 2}]}', ['product_id']],
    ['{"stock": -0.0}', ['stock']],
    ['{"product_ids": [[1.5]]}', ['product_ids']],
  ])('when the body is %s, then it finds %j', (raw, keys) => {
    expect(keysWithNonIntegerLiterals(raw, KEYS)).toEqual(keys);
  });

  it.each([
    '{"product_ids": [1, 2, 30]}',
    '{"price": 1.5, "stock": 2}',
    '{"name": "quantity 1.0", "stock": 2}',
    '{"note": {"quantity": "1.5"}, "stock": 10}',
    '{"a\\"quantity": 1.5}',
    '{"customer_name": "x", "items": [{"product_id": 3, "quantity": 1}], "extra": [1.5]}',
  ])('when the body is %s, then it finds nothing', (raw) => {
    expect(keysWithNonIntegerLiterals(raw, KEYS)).toEqual([]);
  });
});
