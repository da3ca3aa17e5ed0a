import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Turns zod issues into `{ field: [messages] }`, the contract's `details`. */
export function zodDetails(error: z.ZodError): Record<string, string[]> {
  const details: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : 'body';
    const message = issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
    details[key] = [...(details[key] ?? []), message];
  }
  return details;
}

/** Parses `value` with `schema` or throws a 400 ValidationError with details. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, message?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodDetails(result.error), message);
  return result.data;
}
