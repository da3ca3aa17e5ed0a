import express, { Router } from 'express';
import { describe, expect, it } from 'vitest';
import { documentProblems, expressRoutes, openApiRoutes } from './openapi.js';

describe('expressRoutes', () => {
  it('finds the routes of the app and of the routers mounted on it, one per method', () => {
    const app = express();
    app.get('/health', (_req, res) => res.end());
    const api = Router();
    api
      .route('/api/items')
      .get((_req, res) => res.end())
      .post((_req, res) => res.end())
      .all((_req, res) => res.end());
    api.patch('/api/items/:id/status', (_req, res) => res.end());
    app.use(api);
    const assets = Router();
    assets.get('/app.js', (_req, res) => res.end());
    app.use('/docs', assets);

    expect(expressRoutes(app)).toEqual([
      'GET /api/items',
      'GET /docs/app.js',
      'GET /health',
      'PATCH /api/items/{}/status',
      'POST /api/items',
    ]);
  });
});

describe('openApiRoutes', () => {
  it('writes document paths like Express routes: parameters as {} and no trailing slash', () => {
    const document = { paths: { '/api/items/': { get: {}, post: {}, parameters: [] }, '/api/items/{item_id}/status/': { patch: {} } } };

    expect(openApiRoutes(document)).toEqual(['GET /api/items', 'PATCH /api/items/{}/status', 'POST /api/items']);
  });
});

describe('documentProblems', () => {
  const answer = { description: 'ok', headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } } };
  const shared = {
    ...Object.fromEntries(['400', '401', '405', '429', '500'].map((status) => [status, answer])),
    503: { $ref: '#/components/responses/DatabaseUnavailable' },
  };
  const unavailable = (example: object) => ({ ...answer, content: { 'application/json': { example } } });
  const documentWith = (header: object, responses: object = {}, schemas: object = {}) => ({
    paths: {
      '/api/items/': {
        post: {
          operationId: 'createItem',
          security: [],
          parameters: [{ $ref: '#/components/parameters/RequestId' }, header],
          responses: { ...shared, ...responses },
        },
      },
    },
    components: {
      parameters: { RequestId: { name: 'X-Request-Id', in: 'header', schema: { type: 'string' } } },
      responses: { DatabaseUnavailable: unavailable({ error: 'The database is busy', code: 'database_unavailable' }) },
      schemas,
    },
  });

  it('when a request header has no example or default, then nothing is wrong', () => {
    expect(documentProblems(documentWith({ name: 'Idempotency-Key', in: 'header', schema: { type: 'string' } }))).toEqual([]);
  });

  it('when a request header has an example or a default (Try it out would send it every time), then that is named', () => {
    const problems = [
      { name: 'Idempotency-Key', in: 'header', example: 'k-1', schema: { type: 'string' } },
      { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', examples: ['k-1'] } },
      { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', default: 'k-1' } },
    ].map((header) => documentProblems(documentWith(header)));

    expect(problems).toEqual([
      ['POST /api/items/: header Idempotency-Key has an example (Try it out would send it)'],
      ['POST /api/items/: header Idempotency-Key has an example (Try it out would send it)'],
      ['POST /api/items/: header Idempotency-Key has a default'],
    ]);
  });

  it('when the 408 lacks the X-Request-Id header or says it has none, then that is named', () => {
    const timeout = { description: 'too slow (so without X-Request-Id)' };

    expect(documentProblems(documentWith({ name: 'A', in: 'header' }, { 408: timeout }))).toEqual([
      'POST /api/items/ 408: no X-Request-Id header',
      'POST /api/items/ 408: says it has no X-Request-Id',
    ]);
  });

  it('when a route’s own 503 (a neighbour down) does not name database_unavailable, or there is no 503, then that is named', () => {
    const header = { name: 'A', in: 'header' };
    const own = unavailable({ error: 'Payment service unavailable', code: 'payment_service_unavailable' });
    const withoutAny = documentWith(header);
    delete (withoutAny.paths['/api/items/'].post.responses as Record<string, unknown>)['503'];

    expect(documentProblems(documentWith(header, { 503: own }))).toEqual(['POST /api/items/ 503: no database_unavailable example']);
    expect(documentProblems(withoutAny)).toEqual(['POST /api/items/: no 503 answer']);
  });

  it('when a list is a component schema (Swagger UI shows array<any>), then that is named', () => {
    const schemas = { ItemList: { type: 'array', items: { $ref: '#/components/schemas/Item' } } };

    expect(documentProblems(documentWith({ name: 'A', in: 'header' }, {}, schemas))).toEqual([
      'components.schemas.ItemList is a list (Swagger UI shows it as array<any>)',
    ]);
  });
});
