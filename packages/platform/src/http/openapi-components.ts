/**
 * The parts of the OpenAPI document every service shares: the one Error schema, the headers
 * and the answers that any route can give. The headers and answers are plain OpenAPI objects,
 * since they describe the error middleware and the HTTP server rather than a zod-parsed input.
 */

import { z } from 'zod';
import { ForbiddenError, InternalError, MethodNotAllowedError, UnauthorizedError, ValidationError } from '../errors.js';
import { databaseUnavailable } from './error-handler.js';
import { rateLimited } from './rate-limit.js';

/** Every error, the one `Error` schema of every document. */
export const errorJson = z
  .looseObject({
    error: z.string().meta({ description: 'A human sentence' }),
    code: z
      .string()
      .regex(/^[a-z0-9_]+$/)
      .meta({ description: 'Stable snake_case code' }),
    details: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .meta({ description: 'Field-level messages of a validation error (field path -> messages)' }),
  })
  .meta({
    id: 'Error',
    description:
      'Every error. `code` is stable and listed in the README; some errors add context fields ' +
      '(`product_id`, `order_status`, `payment_id`, `status`, ...).',
  });

const REQUEST_ID_EXAMPLE = 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

export const COMPONENT_PARAMETERS = {
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    required: false,
    description:
      'Correlates the request across the services and their logs. Kept when it is 1-128 characters of ' +
      '`A-Z a-z 0-9 . _ : -` (e.g. `' +
      REQUEST_ID_EXAMPLE +
      '`), otherwise replaced by a new one; returned on the response. Leave it empty to get a new one.',
    // No example: Swagger UI's Try it out would pre-fill it and send the same id with every try.
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  },
};

export const COMPONENT_HEADERS = {
  'X-Request-Id': {
    description: 'The request id: the one sent, or a new one',
    schema: { type: 'string' },
    example: REQUEST_ID_EXAMPLE,
  },
  'X-Total-Count': {
    description: 'How many items the whole list has (all pages)',
    schema: { type: 'integer', minimum: 0 },
    example: 42,
  },
  Link: {
    description: 'First, previous, next and last pages (RFC 8288), as GitHub does',
    schema: { type: 'string' },
    example:
      '<http://localhost:8001/api/products/?limit=2&offset=0>; rel="first", <http://localhost:8001/api/products/?limit=2&offset=2>; rel="next", <http://localhost:8001/api/products/?limit=2&offset=40>; rel="last"',
  },
  Location: {
    description: 'Where the created (or recorded) resource can be read',
    schema: { type: 'string' },
    example: '/api/orders/3f0c8a52-1d7e-4c1b-9b2e-6a4f5d3c2b1a/',
  },
  'Idempotent-Replayed': {
    description: 'Present (`true`) when this is the replay of the first answer to the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
    example: 'true',
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 0 },
    example: 1,
  },
  'WWW-Authenticate': {
    description: 'The authentication scheme expected',
    schema: { type: 'string' },
    example: 'Bearer',
  },
  Allow: {
    description: 'The methods this path has',
    schema: { type: 'string' },
    example: 'GET, HEAD, POST',
  },
};

type Header = keyof typeof COMPONENT_HEADERS;

function errorResponse(description: string, example: Record<string, unknown>, headers: Header[] = []): object {
  const all: Header[] = ['X-Request-Id', ...headers];
  return {
    description,
    headers: Object.fromEntries(all.map((name) => [name, { $ref: `#/components/headers/${name}` }])),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example } },
  };
}

export const COMPONENT_RESPONSES = {
  BadRequest: errorResponse(
    'Bad input: an unknown or invalid query parameter, a malformed JSON body, or a body that fails validation (`details` says which field)',
    new ValidationError({ limit: ['must be an integer from 1 to 100'] }).toJSON(),
  ),
  Unauthorized: errorResponse('No bearer token, or an invalid, expired or refresh token', new UnauthorizedError().toJSON(), [
    'WWW-Authenticate',
  ]),
  InvalidAuthorization: errorResponse(
    'An Authorization header was sent but is not a valid bearer access token (none is needed here; a bad one is still refused)',
    new UnauthorizedError().toJSON(),
    ['WWW-Authenticate'],
  ),
  Forbidden: errorResponse('A valid token without the role this operation needs', new ForbiddenError().toJSON()),
  MethodNotAllowed: errorResponse(
    'The answer to any method this path does not have; `Allow` lists the methods it has',
    new MethodNotAllowedError('TRACE', []).toJSON(),
    ['Allow'],
  ),
  PayloadTooLarge: errorResponse('The body is larger than 100 kB', {
    error: 'Request body is larger than 100 kB',
    code: 'payload_too_large',
  }),
  UnsupportedMediaType: errorResponse('A body that is not `application/json` (or an unsupported encoding or charset)', {
    error: 'Content-Type must be application/json',
    code: 'unsupported_media_type',
  }),
  TooManyRequests: errorResponse(
    'Rate limited: when RATE_LIMIT_PER_MINUTE is set, per client address (`POST /api/token/` is always limited, per client address and per username)',
    rateLimited(1).toJSON(),
    ['Retry-After'],
  ),
  RequestTimeout: errorResponse(
    'The whole request (headers and body) did not arrive within REQUEST_TIMEOUT_MS; answered by the HTTP server itself, ' +
      'before any route, with `Connection: close` and a new X-Request-Id',
    { error: 'The request did not arrive in time', code: 'request_timeout' },
  ),
  HeadersTooLarge: errorResponse(
    'Too many or too large request headers; answered by the HTTP server itself, before any route, with ' +
      '`Connection: close` and a new X-Request-Id',
    { error: 'The request headers are too large', code: 'headers_too_large' },
  ),
  DatabaseUnavailable: errorResponse(
    'database_unavailable: the database gave no connection in time (every connection busy, or stalled after a pause), ' +
      'where the route needs it; nothing was done, try again after `Retry-After`',
    databaseUnavailable().toJSON(),
    ['Retry-After'],
  ),
  InternalError: errorResponse(
    'An unexpected failure; the details are only in the logs, under the request id',
    new InternalError().toJSON(),
  ),
};
