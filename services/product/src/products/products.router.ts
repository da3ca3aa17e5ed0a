import { parseIdParam, productCreateBody, productListQuery, productPatchBody } from '@order-system/contracts';
import { assertIntegerLiterals, defineRoute, parseOrThrow, requireRole, setPaginationHeaders } from '@order-system/platform';
import { type Request, Router } from 'express';
import type { z } from 'zod';
import { toProductJson } from './product.mapper.js';
import type { ProductsService } from './products.service.js';

/** Stock is an integer: written as a float (5.0) it is refused, not rounded. */
const INTEGER_FIELDS = new Set(['stock']);

function parseProduct<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  assertIntegerLiterals(req, INTEGER_FIELDS);
  return parseOrThrow(schema, req.body);
}

export function productsRouter(products: ProductsService): Router {
  const router = Router();
  const admin = requireRole('admin');

  defineRoute(
    router,
    '/api/products',
    {
      get: async (req, res) => {
        const query = parseOrThrow(productListQuery, req.query);
        const { items, total } = await products.list(query);
        setPaginationHeaders(req, res, query, total);
        res.json(items.map(toProductJson));
      },
      post: [
        admin,
        async (req, res) => {
          const product = await products.create(parseProduct(req, productCreateBody));
          res.status(201).location(`/api/products/${product.id}/`).json(toProductJson(product));
        },
      ],
    },
    { query: { get: productListQuery } },
  );

  defineRoute(router, '/api/products/:id', {
    get: async (req, res) => {
      res.json(toProductJson(await products.get(parseIdParam(req.params.id))));
    },
    put: [
      admin,
      async (req, res) => {
        const id = parseIdParam(req.params.id);
        await products.get(id);
        res.json(toProductJson(await products.update(id, parseProduct(req, productCreateBody))));
      },
    ],
    patch: [
      admin,
      async (req, res) => {
        const id = parseIdParam(req.params.id);
        await products.get(id);
        res.json(toProductJson(await products.update(id, parseProduct(req, productPatchBody))));
      },
    ],
    delete: [
      admin,
      async (req, res) => {
        await products.delete(parseIdParam(req.params.id));
        res.status(204).end();
      },
    ],
  });
  return router;
}
