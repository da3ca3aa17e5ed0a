import express, { Router } from 'express';
import { describe, expect, it } from 'vitest';
import { expressRoutes, openApiRoutes } from './openapi.js';

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
