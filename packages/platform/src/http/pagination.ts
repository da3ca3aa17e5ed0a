import type { Request, Response } from 'express';
import { z } from 'zod';

const integerParam = (min: number, max: number, fallback: number, description: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback)
    // What the OpenAPI document says: the query string carries an integer in this range.
    .meta({ type: 'integer', minimum: min, maximum: max, description: `${description} (default ${fallback})` });

export const paginationQuery = z.object({
  limit: integerParam(1, 100, 100, 'Page size'),
  offset: integerParam(0, 1_000_000_000, 0, 'How many items to skip'),
});

export type Pagination = z.infer<typeof paginationQuery>;

/** Sets `X-Total-Count` and a `Link` header with first/prev/next/last pages, as GitHub does. */
export function setPaginationHeaders(req: Request, res: Response, page: Pagination, total: number): void {
  res.setHeader('X-Total-Count', String(total));
  const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}${req.path}`;
  const link = (offset: number, rel: string) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query)) {
      if (typeof value === 'string' && key !== 'limit' && key !== 'offset') query.set(key, value);
    }
    query.set('limit', String(page.limit));
    query.set('offset', String(offset));
    return `<${base}?${query.toString()}>; rel="${rel}"`;
  };
  const links = [link(0, 'first')];
  if (page.offset > 0) links.push(link(Math.max(0, page.offset - page.limit), 'prev'));
  if (page.offset + page.limit < total) links.push(link(page.offset + page.limit, 'next'));
  const lastOffset = total > 0 ? Math.floor((total - 1) / page.limit) * page.limit : 0;
  links.push(link(lastOffset, 'last'));
  res.setHeader('Link', links.join(', '));
}
