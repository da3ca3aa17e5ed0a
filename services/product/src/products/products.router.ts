import { MAX_PRODUCT_ID, parseIdParam, productCreateBody, productJson, productListQuery, productPatchBody } from '@order-system/contracts';
import { type AnyRouteSpec, invalidBody, type PathParam, type ResponseSpec, route, setPaginationHeaders } from '@order-system/platform';
import { z } from 'zod';
import { AT } from '../examples.js';
import { toProductJson } from './product.mapper.js';
import type { ProductsService } from './products.service.js';

/** Stock is an integer: written as a float (5.0) it is refused, not rounded. */
const INTEGER_FIELDS = ['stock'];

const keyboard = {
  id: 1,
  name: 'Keyboard',
  description: 'Mechanical, US layout',
  price: '49.90',
  stock: 12,
  created_at: AT,
  updated_at: AT,
};
const lamp = { id: 2, name: 'Lamp', description: '', price: '25.00', stock: 3, created_at: AT, updated_at: AT };

const productId: PathParam<number | null> = {
  description: 'Product id (anything that is not a positive integer is a 404)',
  schema: { type: 'integer', minimum: 1, maximum: MAX_PRODUCT_ID },
  example: 1,
  parse: parseIdParam,
};
const productNotFound: ResponseSpec = {
  description: 'Product not found (also for an id that is not an integer)',
  schema: 'Error',
  example: { error: 'Product not found', code: 'not_found' },
};

export function productsRoutes(products: ProductsService): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/products/',
      operationId: 'listProducts',
      summary: 'List products in id order, one page at a time',
      description:
        'With `ids` (1 to 100 comma-separated ids; a repeated id counts once), only those products: the ids that ' +
        'exist, in id order, X-Total-Count saying how many; unknown ids are left out. A malformed list is a 400.',
      access: { public: true },
      query: productListQuery,
      responses: {
        200: {
          description: 'a page of products; the total in X-Total-Count, the pages in Link',
          schema: z.array(productJson),
          headers: ['X-Total-Count', 'Link'],
          example: [keyboard, lamp],
        },
      },
      handler: async ({ query }, req, res) => {
        const { items, total } = await products.list(query);
        setPaginationHeaders(req, res, query, total);
        res.json(items.map(toProductJson));
      },
    }),
    route({
      method: 'post',
      path: '/api/products/',
      operationId: 'createProduct',
      summary: 'Create a product',
      access: { roles: ['admin'] },
      body: {
        schema: productCreateBody,
        example: { name: 'Lamp', description: 'Desk lamp', price: '25.00', stock: 3 },
        integerFields: INTEGER_FIELDS,
      },
      responses: {
        201: {
          description: 'created; Location is its URL',
          schema: productJson,
          headers: ['Location'],
          example: { ...lamp, description: 'Desk lamp' },
        },
        400: invalidBody(
          { price: ['must be greater than 0'] },
          'validation failed (name 1-200 characters, price > 0, stock an integer >= 0), or malformed JSON',
        ),
      },
      handler: async ({ body }, _req, res) => {
        const product = await products.create(body);
        res.status(201).location(`/api/products/${product.id}/`).json(toProductJson(product));
      },
    }),
    route({
      method: 'get',
      path: '/api/products/{id}/',
      operationId: 'getProduct',
      summary: 'Get a product',
      access: { public: true },
      params: { id: productId },
      responses: { 200: { description: 'the product', schema: productJson, example: keyboard }, 404: productNotFound },
      handler: async ({ params }, _req, res) => {
        res.json(toProductJson(await products.get(params.id)));
      },
    }),
    route({
      method: 'put',
      path: '/api/products/{id}/',
      operationId: 'replaceProduct',
      summary: 'Replace a product (name, price and stock required; description optional)',
      access: { roles: ['admin'] },
      params: { id: productId },
      body: {
        schema: productCreateBody,
        example: { name: 'Keyboard', description: 'Mechanical, US layout', price: '44.90', stock: 20 },
        integerFields: INTEGER_FIELDS,
      },
      responses: {
        200: { description: 'updated', schema: productJson, example: { ...keyboard, price: '44.90', stock: 20 } },
        400: invalidBody({ stock: ['is required'] }),
        404: productNotFound,
      },
      handler: async ({ params, body }, _req, res) => {
        res.json(toProductJson(await products.update(params.id, body)));
      },
    }),
    route({
      method: 'patch',
      path: '/api/products/{id}/',
      operationId: 'updateProduct',
      summary: 'Change some fields of a product (at least one)',
      access: { roles: ['admin'] },
      params: { id: productId },
      body: { schema: productPatchBody, example: { stock: 30 }, integerFields: INTEGER_FIELDS },
      responses: {
        200: { description: 'updated', schema: productJson, example: { ...keyboard, stock: 30 } },
        400: invalidBody({ body: ['must change at least one field'] }),
        404: productNotFound,
      },
      handler: async ({ params, body }, _req, res) => {
        res.json(toProductJson(await products.update(params.id, body)));
      },
    }),
    route({
      method: 'delete',
      path: '/api/products/{id}/',
      operationId: 'deleteProduct',
      summary: 'Delete a product; a later GET is a 404',
      access: { roles: ['admin'] },
      params: { id: productId },
      responses: { 204: { description: 'deleted' }, 404: productNotFound },
      handler: async ({ params }, _req, res) => {
        await products.delete(params.id);
        res.status(204).end();
      },
    }),
  ];
}
