import {
  productCreateBody,
  productJson,
  productPatchBody,
  refreshBody,
  reservationBody,
  reservationJson,
  tokenBody,
} from '@order-system/contracts';
import { buildOpenApi } from '@order-system/platform';
import { z } from 'zod';

const page = { limit: '1-100, default 100', offset: 'default 0' };

export const productOpenApi = buildOpenApi('Product service', 'Catalogue, stock and stock reservations. Prices are decimal strings.', {
  '/api/token/': {
    post: {
      summary: 'Admin tokens for credentials',
      body: tokenBody,
      response: z.object({ access: z.string(), refresh: z.string() }),
      responses: { 200: 'tokens', 400: 'invalid body', 401: 'wrong credentials' },
    },
  },
  '/api/token/refresh/': {
    post: {
      summary: 'A new access token for a refresh token',
      body: refreshBody,
      response: z.object({ access: z.string() }),
      responses: { 200: 'token', 401: 'invalid refresh token' },
    },
  },
  '/api/products/': {
    get: {
      summary: 'List products in id order (X-Total-Count, Link)',
      query: page,
      response: z.array(productJson),
      responses: { 200: 'products', 400: 'bad pagination' },
    },
    post: {
      summary: 'Create a product',
      auth: 'admin',
      body: productCreateBody,
      response: productJson,
      responses: { 201: 'created', 400: 'validation failed', 401: 'no token', 403: 'not admin' },
    },
  },
  '/api/products/{id}/': {
    get: { summary: 'Get a product', response: productJson, responses: { 200: 'product', 404: 'Product not found' } },
    put: {
      summary: 'Replace a product',
      auth: 'admin',
      body: productCreateBody,
      response: productJson,
      responses: { 200: 'updated', 400: 'validation failed', 404: 'Product not found' },
    },
    patch: {
      summary: 'Change some fields of a product',
      auth: 'admin',
      body: productPatchBody,
      response: productJson,
      responses: { 200: 'updated', 400: 'validation failed', 404: 'Product not found' },
    },
    delete: { summary: 'Delete a product', auth: 'admin', responses: { 204: 'deleted', 404: 'Product not found' } },
  },
  '/api/products/reservations/': {
    post: {
      summary: 'Reserve stock for several products, all or nothing; idempotent on reservation_id',
      auth: 'service or admin',
      body: reservationBody,
      response: reservationJson,
      responses: {
        201: 'reserved',
        200: 'the earlier result for this reservation_id',
        400: 'validation failed',
        404: 'a product is unknown',
        409: 'a product is out of stock',
      },
    },
  },
  '/api/products/reservations/{reservation_id}/': {
    delete: {
      summary: 'Release a reservation (stock back once)',
      auth: 'service or admin',
      response: reservationJson,
      responses: { 200: 'released', 404: 'Reservation not found' },
    },
  },
});
