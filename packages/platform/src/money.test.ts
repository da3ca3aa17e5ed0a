import { describe, expect, it } from 'vitest';
import { formatCents, MAX_AMOUNT_CENTS, parseMoney } from './money.js';

describe('parseMoney', () => {
  it.each([
    ['19.99', 1999],
    ['5', 500],
    ['0.5', 50],
    ['0', 0],
    [19.99, 1999],
    [0.1, 10],
    [7, 700],
    ['999999.99', MAX_AMOUNT_CENTS],
    ['-0', 0],
  ])('when given %j, then it is %i cents', (input, cents) => {
    expect(parseMoney(input)).toEqual({ ok: true, cents });
  });

  it.each([
    ['1e2'],
    [1e21],
    ['12.345'],
    [12.345],
    ['NaN'],
    [Number.NaN],
    ['inf'],
    ['Infinity'],
    [Number.POSITIVE_INFINITY],
    [true],
    [null],
    [undefined],
    [{}],
    [[1]],
    [''],
    [' 1.00'],
    ['1,00'],
    ['+1'],
    ['.5'],
    ['5.'],
    ['0x10'],
    ['-1.00'],
    [-1],
    ['1000000.00'],
    ['99999999999999999999999'],
  ])('when given %j, then it is refused', (input) => {
    expect(parseMoney(input).ok).toBe(false);
  });
});

describe('formatCents', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [1999, '19.99'],
    [100000, '1000.00'],
    [-250, '-2.50'],
  ])('when given %i, then it prints %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});
