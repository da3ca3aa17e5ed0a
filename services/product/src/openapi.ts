import {
  productCreateBody,
  productJson,
  productListQuery,
  productPatchBody,
  refreshBody,
  reservationBody,
  reservationJson,
  reservationVoidBody,
  tokenBody,
} from '@order-system/contracts';
import { type ApiSpec, buildOpenApi, type ParameterSpec, type ResponseSpec, rateLimited } from '@order-system/platform';
import { z } from 'zod';

const tokensJson = z.object({
  access: z.string().meta({ description: 'Access token (JWT, role admin), valid 15 minutes' }),
  refresh: z.string().meta({ description: 'Refresh token (JWT), valid 1 day; only for POST /api/token/refresh/' }),
});
const accessJson = z.object({ access: z.string().meta({ description: 'A new access token (JWT), valid 15 minutes' }) });
const productList = z.array(productJson);

const JWT_EXAMPLE =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiIsImlhdCI6MTc2NDYwMDAwMCwiZXhwIjoxNzY0NjAwOTAwfQ.c2lnbmF0dXJl';
const ORDER_ID = '3f0c8a52-1d7e-4c1b-9b2e-6a4f5d3c2b1a';
const AT = '2026-12-01T10:00:00.000Z';

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
const reservation = {
  reservation_id: ORDER_ID,
  status: 'ACTIVE',
  items: [{ product_id: 1, quantity: 2, unit_price: '49.90', name: 'Keyboard' }],
  created_at: AT,
  released_at: null,
};

const productId: ParameterSpec = {
  description: 'Product id (anything that is not a positive integer is a 404)',
  schema: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
  example: 1,
};
const reservationId: ParameterSpec = {
  description: 'The reservation id: the id of the order it holds stock for',
  schema: { type: 'string', format: 'uuid' },
  example: ORDER_ID,
};

/** The 400 of a body that fails validation or is not JSON, with an example of its details. */
const invalidBody = (details: Record<string, string[]>, description = 'validation failed, or malformed JSON'): ResponseSpec => ({
  description,
  schema: 'Error',
  example: { error: 'Validation failed', code: 'validation_failed', details },
});
const productNotFound = {
  description: 'Product not found (also for an id that is not an integer)',
  schema: 'Error',
  example: { error: 'Product not found', code: 'not_found' },
} as const;

export const productApi: ApiSpec = {
  service: 'product',
  title: 'Product service',
  description:
    'Catalogue, stock and stock reservations, and the admin tokens (`POST /api/token/`). Prices are decimal strings ' +
    'with two places; inputs also take a number with at most two decimals. Paths take a trailing slash or not.',
  port: 8001,
  ready: { checks: ['database'] },
  schemas: {
    TokenRequest: tokenBody,
    Tokens: tokensJson,
    RefreshRequest: refreshBody,
    AccessToken: accessJson,
    Product: productJson,
    ProductList: productList,
    ProductCreate: productCreateBody,
    ProductPatch: productPatchBody,
    ReservationRequest: reservationBody,
    Reservation: reservationJson,
    ReservationVoid: reservationVoidBody,
  },
  paths: {
    '/api/token/': {
      post: {
        operationId: 'createToken',
        summary: 'Admin tokens for the admin credentials (ADMIN_USERNAME / ADMIN_PASSWORD)',
        description: 'Always rate limited, per client address and per username (429 with Retry-After).',
        access: { public: true },
        body: { schema: tokenBody, example: { username: 'admin', password: 'admin-dev-password' } },
        responses: {
          200: { description: 'an access and a refresh token', schema: tokensJson, example: { access: JWT_EXAMPLE, refresh: JWT_EXAMPLE } },
          401: {
            description: 'wrong credentials',
            schema: 'Error',
            headers: ['WWW-Authenticate'],
            example: { error: 'Invalid username or password', code: 'unauthorized' },
          },
          429: {
            description:
              'too many attempts from this client address or for this username (always limited); retry after Retry-After seconds',
            schema: 'Error',
            headers: ['Retry-After'],
            example: rateLimited(900).toJSON(),
          },
        },
      },
    },
    '/api/token/refresh/': {
      post: {
        operationId: 'refreshToken',
        summary: 'A new access token for a refresh token',
        access: { public: true },
        body: { schema: refreshBody, example: { refresh: JWT_EXAMPLE } },
        responses: {
          200: { description: 'a new access token', schema: accessJson, example: { access: JWT_EXAMPLE } },
          401: {
            description: 'not a valid refresh token (an access token is not one)',
            schema: 'Error',
            headers: ['WWW-Authenticate'],
            example: { error: 'Authentication credentials were not provided or are invalid', code: 'unauthorized' },
          },
        },
      },
    },
    '/api/products/': {
      get: {
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
            schema: productList,
            headers: ['X-Total-Count', 'Link'],
            example: [keyboard, lamp],
          },
        },
      },
      post: {
        operationId: 'createProduct',
        summary: 'Create a product',
        access: { roles: 'admin' },
        body: {
          schema: productCreateBody,
          example: { name: 'Lamp', description: 'Desk lamp', price: '25.00', stock: 3 },
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
      },
    },
    '/api/products/{id}/': {
      get: {
        operationId: 'getProduct',
        summary: 'Get a product',
        access: { public: true },
        params: { id: productId },
        responses: { 200: { description: 'the product', schema: productJson, example: keyboard }, 404: productNotFound },
      },
      put: {
        operationId: 'replaceProduct',
        summary: 'Replace a product (name, price and stock required; description optional)',
        access: { roles: 'admin' },
        params: { id: productId },
        body: { schema: productCreateBody, example: { name: 'Keyboard', description: 'Mechanical, US layout', price: '44.90', stock: 20 } },
        responses: {
          200: { description: 'updated', schema: productJson, example: { ...keyboard, price: '44.90', stock: 20 } },
          400: invalidBody({ stock: ['is required'] }),
          404: productNotFound,
        },
      },
      patch: {
        operationId: 'updateProduct',
        summary: 'Change some fields of a product (at least one)',
        access: { roles: 'admin' },
        params: { id: productId },
        body: { schema: productPatchBody, example: { stock: 30 } },
        responses: {
          200: { description: 'updated', schema: productJson, example: { ...keyboard, stock: 30 } },
          400: invalidBody({ body: ['must change at least one field'] }),
          404: productNotFound,
        },
      },
      delete: {
        operationId: 'deleteProduct',
        summary: 'Delete a product; a later GET is a 404',
        access: { roles: 'admin' },
        params: { id: productId },
        responses: { 204: { description: 'deleted' }, 404: productNotFound },
      },
    },
    '/api/products/reservations/': {
      post: {
        operationId: 'reserveStock',
        summary: 'Reserve stock for several products, all or nothing; idempotent on reservation_id',
        description:
          'All items are reserved in one transaction or none are; stock never goes below zero. The unit prices are ' +
          'those at reservation time. Repeating a reservation_id answers the first result (200) and reserves nothing more.',
        access: { roles: 'service or admin' },
        body: { schema: reservationBody, example: { reservation_id: ORDER_ID, items: [{ product_id: 1, quantity: 2 }] } },
        responses: {
          200: { description: 'the earlier result for this reservation_id', schema: reservationJson, example: reservation },
          201: { description: 'reserved', schema: reservationJson, example: reservation },
          400: invalidBody({ reservation_id: ['must be a UUID'] }),
          404: {
            description: 'a product is unknown (`product_id` says which); nothing is reserved',
            schema: 'Error',
            example: { error: 'Product 9 not found', code: 'product_not_found', product_id: 9 },
          },
          409: {
            description:
              'out_of_stock: a product has not enough stock (`product_id` says which); reservation_voided: the ' +
              'reservation_id was voided. Nothing is reserved',
            schema: 'Error',
            examples: {
              out_of_stock: {
                summary: 'not enough stock',
                value: { error: 'Product 3 is out of stock', code: 'out_of_stock', product_id: 3 },
              },
              reservation_voided: {
                summary: 'the id was voided',
                value: {
                  error: `Reservation ${ORDER_ID} was voided; nothing was reserved`,
                  code: 'reservation_voided',
                  reservation_id: ORDER_ID,
                },
              },
            },
          },
        },
      },
    },
    '/api/products/reservations/{reservation_id}/': {
      delete: {
        operationId: 'releaseReservation',
        summary: 'Release a reservation: its stock goes back once; a repeat changes nothing',
        access: { roles: 'service or admin' },
        params: { reservation_id: reservationId },
        responses: {
          200: {
            description: 'released (now or earlier); VOIDED (no items) for a voided id: nothing to put back',
            schema: reservationJson,
            example: { ...reservation, status: 'RELEASED', released_at: AT },
          },
          404: {
            description: 'no such reservation (it is then remembered as released, so a late reservation takes no stock)',
            schema: 'Error',
            example: { error: 'Reservation not found', code: 'reservation_not_found' },
          },
        },
      },
    },
    '/api/products/reservations/{reservation_id}/void/': {
      post: {
        operationId: 'voidReservation',
        summary: 'Void a reservation id so that nothing can be reserved under it any more',
        description:
          'Unknown id: a VOIDED tombstone is stored (no items); a later reservation under the id gets 409 ' +
          'reservation_voided and takes nothing. ACTIVE: released (its stock goes back once), as by DELETE. RELEASED: ' +
          'the same answer. VOIDED: the same answer again.',
        access: { roles: 'service or admin' },
        params: { reservation_id: reservationId },
        body: {
          schema: reservationVoidBody,
          description: 'Optional: nothing, `{}` or `{"reason": "..."}` (the reason is logged)',
          example: { reason: 'Reservation answer timed out; order cancelled' },
        },
        responses: {
          200: {
            description: 'voided, or released (now or earlier): no stock is held under this id, and none can be',
            schema: reservationJson,
            examples: {
              voided: { summary: 'the id held nothing', value: { ...reservation, status: 'VOIDED', items: [] } },
              released: { summary: 'the id held a reservation', value: { ...reservation, status: 'RELEASED', released_at: AT } },
            },
          },
          400: invalidBody({ reason: ['must be a string'] }),
          404: {
            description: 'Reservation not found (only for a reservation_id that is not a UUID)',
            schema: 'Error',
            example: { error: 'Reservation not found', code: 'reservation_not_found' },
          },
        },
      },
    },
  },
};

export const productOpenApi = buildOpenApi(productApi);
