import { z } from 'zod';

/** The largest amount any price, total or payment may have: 999,999.99 (fits a 32-bit integer of cents). */
export const MAX_AMOUNT_CENTS = 99_999_999;

const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

export type MoneyParseResult = { ok: true; cents: number } | { ok: false; message: string };

/**
 * Parses a money input into integer cents. Accepts a decimal string ("19.99", "5") or a JSON
 * number with at most two decimal places. Rejects booleans, exponent notation, NaN/Infinity,
 * more than two decimals, negatives and anything above MAX_AMOUNT_CENTS.
 */
export function parseMoney(value: unknown): MoneyParseResult {
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, message: 'must be a finite number' };
    text = String(value);
  } else {
    return { ok: false, message: 'must be a decimal string or a number' };
  }
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, message: 'must be a decimal amount with at most two decimal places' };
  const [, sign, whole = '', fraction = ''] = match;
  if (whole.length > 12) return { ok: false, message: `must be at most ${formatCents(MAX_AMOUNT_CENTS)}` };
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (sign === '-' && cents !== 0) return { ok: false, message: 'must not be negative' };
  if (cents > MAX_AMOUNT_CENTS) return { ok: false, message: `must be at most ${formatCents(MAX_AMOUNT_CENTS)}` };
  return { ok: true, cents };
}

/** A zod schema turning a money input into integer cents (>= 0). */
export const moneyCents = z
  .unknown()
  .transform((value, ctx) => {
    const parsed = parseMoney(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    return parsed.cents;
  })
  .meta({
    type: ['string', 'number'],
    description: 'A decimal string or a number with at most two decimal places, at most 999999.99, e.g. "49.90"',
  });

/** A zod schema for a strictly positive money input, as integer cents. */
export const positiveMoneyCents = moneyCents.refine((cents) => cents > 0, 'must be greater than 0');

/** 1999 -> "19.99" */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
