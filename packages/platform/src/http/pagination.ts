import type { Request, Response } from 'express';
import { z } from 'zod';

/** The largest offset a list takes: deep enough for any real listing, small enough to stay an exact integer everywhere. */
export const MAX_OFFSET = 1_000_000_000;

const integerParam = (min: number, max: number, fallback: number, description: string) => {
  const message = `must be an integer from ${min} to ${max}`;
  return (
    z
      .string()
      .regex(/^\d{1,10}$/, message)
      .transform(Number)
      .pipe(z.number().int().min(min, message).max(max, message))
      .optional()
      .transform((value) => value ?? fallback)
      // What the OpenAPI document says: the query string carries an integer in this range.
      .meta({
        type: 'integer',
        minimum: min,
        maximum: max,
        description: `${description}: an integer from ${min} to ${max} (default ${fallback})`,
      })
  );
};

export const paginationQuery = z.object({
  limit: integerParam(1, 100, 100, 'Page size'),
  offset: integerParam(0, MAX_OFFSET, 0, 'How many items to skip'),
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
  const lastOffset = total > 0 ? Math.floor((total - 1) / page.limit) * page.limit : 0;
  const links = [link(0, 'first')];
  if (page.offset > 0) {
    // Before a page past the end comes the last page (another empty page would not be worth a link).
    links.push(link(page.offset >= total ? lastOffset : Math.max(0, page.offset - page.limit), 'prev'));
  }
  if (page.offset + page.limit < total) links.push(link(page.offset + page.limit, 'next'));
  links.push(link(lastOffset, 'last'));
  res.setHeader('Link', links.join(', '));
}
