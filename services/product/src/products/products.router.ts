import { parseIdParam, productCreateBody, productPatchBody } from '@order-system/contracts';
import { defineRoute, paginationQuery, parseOrThrow, requireRole, setPaginationHeaders } from '@order-system/platform';
import { Router } from 'express';
import { toProductJson } from './product.mapper.js';
import type { ProductsService } from './products.service.js';

export function productsRouter(products: ProductsService): Router {
  const router = Router();
  const admin = requireRole('admin');

  defineRoute(router, '/api/products', {
    get: async (req, res) => {
      const page = parseOrThrow(paginationQuery, req.query);
      const { items, total } = await products.list(page);
      setPaginationHeaders(req, res, page, total);
      res.json(items.map(toProductJson));
    },
    post: [
      admin,
      async (req, res) => {
        const product = await products.create(parseOrThrow(productCreateBody, req.body));
        res.status(201).location(`/api/products/${product.id}/`).json(toProductJson(product));
      },
    ],
  });

  defineRoute(router, '/api/products/:id', {
    get: async (req, res) => {
      res.json(toProductJson(await products.get(parseIdParam(req.params.id))));
    },
    put: [
      admin,
      async (req, res) => {
        const id = parseIdParam(req.params.id);
        await products.get(id);
        res.json(toProductJson(await products.update(id, parseOrThrow(productCreateBody, req.body))));
      },
    ],
    patch: [
      admin,
      async (req, res) => {
        const id = parseIdParam(req.params.id);
        await products.get(id);
        res.json(toProductJson(await products.update(id, parseOrThrow(productPatchBody, req.body))));
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
