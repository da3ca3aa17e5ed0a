import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { type ErrorDetails, ValidationError } from '../errors.js';

/**
 * Refuses a query string a route does not take, as unknown body fields are refused: a misspelt
 * filter (`?stauts=PAID`) must not silently list everything. `schema` names the parameters the
 * route takes (none when absent); each may be given once (`?limit=1&limit=2` is ambiguous).
 */
export function strictQuery(schema: z.ZodObject | undefined): RequestHandler {
  const known = new Set(Object.keys(schema?.shape ?? {}));
  return (req, _res, next) => {
    const details: ErrorDetails = {};
    for (const [name, value] of Object.entries(req.query)) {
      if (!known.has(name)) details[name] = ['is not a query parameter of this route'];
      else if (typeof value !== 'string') details[name] = ['must be given once'];
    }
    next(Object.keys(details).length > 0 ? new ValidationError(details, 'Unknown or repeated query parameters') : undefined);
  };
}
