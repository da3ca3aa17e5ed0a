import type { Request } from 'express';
import { ValidationError } from '../errors.js';

declare global {
  namespace Express {
    interface Request {
      /** The JSON body as received (set by the body parser), for checks JSON.parse cannot make. */
      rawBody?: string;
    }
  }
}

/**
 * The keys under which `raw` JSON holds a number written with a decimal point or an exponent
 * (`1.0`, `1e0`), directly or as an element of an array under that key. JSON.parse turns `1.0`
 * into the integer 1, so an id or a count written as a float would otherwise pass as an integer.
 */
export function keysWithNonIntegerLiterals(raw: string, keys: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  // One entry per open object or array: the key it sits under, and for objects the last key read.
  const stack: { kind: 'object' | 'array'; key: string | null; lastKey: string | null }[] = [];
  let expectingKey = false;
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i] as string;
    if (ch === '{' || ch === '[') {
      const parent = stack[stack.length - 1];
      const key = parent ? (parent.kind === 'object' ? parent.lastKey : parent.key) : null;
      stack.push({ kind: ch === '{' ? 'object' : 'array', key, lastKey: null });
      expectingKey = ch === '{';
      i += 1;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      expectingKey = false;
      i += 1;
    } else if (ch === ',') {
      expectingKey = stack[stack.length - 1]?.kind === 'object';
      i += 1;
    } else if (ch === '"') {
      let end = i + 1;
      while (end < raw.length && raw[end] !== '"') end += raw[end] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectingKey && top?.kind === 'object') {
        top.lastKey = JSON.parse(raw.slice(i, end + 1)) as string;
        expectingKey = false;
      }
      i = end + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let end = i + 1;
      while (end < raw.length && /[0-9eE.+-]/.test(raw[end] as string)) end += 1;
      const top = stack[stack.length - 1];
      const key = top ? (top.kind === 'object' ? top.lastKey : top.key) : null;
      if (key !== null && keys.has(key) && /[.eE]/.test(raw.slice(i, end))) found.add(key);
      i = end;
    } else {
      i += 1;
    }
  }
  return [...found];
}

/** 400 when any of `keys` holds a number written as a float: integer fields take integers only. */
export function assertIntegerLiterals(req: Request, keys: ReadonlySet<string>): void {
  if (req.rawBody === undefined) return;
  const offending = keysWithNonIntegerLiterals(req.rawBody, keys);
  if (offending.length === 0) return;
  throw new ValidationError(
    Object.fromEntries(offending.map((key) => [key, ['must be an integer, written without a decimal point or exponent']])),
  );
}
