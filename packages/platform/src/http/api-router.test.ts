import { bearer, TEST_JWT_SECRET } from '@order-system/testing';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTokenService } from '../auth/tokens.js';
import { ValidationError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createServiceApp } from './create-app.js';
import { type AnyRouteSpec, route } from './route-spec.js';
import { parseOrThrow } from './validate.js';

const idParam = { description: 'id', schema: { type: 'integer' }, example: 1, parse: (v: string) => (/^\d+$/.test(v) ? Number(v) : null) };
const body = z.strictObject({ count: z.number().int() });
const seen: unknown[] = [];

const routes: AnyRouteSpec[] = [
  route({
    method: 'get',
    path: '/api/things/{id}/',
    operationId: 'getThing',
    summary: 'Get',
    access: { public: true },
    params: { id: idParam },
    responses: { 200: { description: 'ok' } },
    handler: ({ params, ctx }, _req, res) => {
      res.json({ id: params.id, requestId: ctx.requestId });
    },
  }),
  route({
    method: 'post',
    path: '/api/things/special/',
    operationId: 'special',
    summary: 'A literal segment where a parameter could also match',
    access: { roles: ['admin'] },
    body: { schema: body, integerFields: ['count'] },
    responses: { 201: { description: 'ok' } },
    handler: ({ body, auth }, _req, res) => {
      seen.push(body);
      res.status(201).json({ count: body.count, by: auth?.sub });
    },
  }),
  route({
    method: 'post',
    path: '/api/things/',
    operationId: 'createThing',
    summary: 'A body read by a parse of its own: a missing count has a sentence of its own',
    access: { public: true },
    body: {
      schema: body,
      parse: (value) => {
        if ((value as { count?: unknown } | undefined)?.count === undefined)
          throw new ValidationError({ count: ['is required'] }, 'count required');
        return parseOrThrow(body, value);
      },
    },
    responses: { 201: { description: 'ok' } },
    handler: ({ body }, _req, res) => {
      res.status(201).json(body);
    },
  }),
  route({
    method: 'get',
    path: '/api/things/{id}/stream/',
    operationId: 'streamThing',
    summary: 'A streaming answer: the handler writes to the response itself, message by message',
    access: { public: true },
    params: { id: idParam },
    responses: { 200: { description: 'events', contentType: 'text/event-stream', schema: z.string(), example: 'data: 1\n\n' } },
    handler: async ({ params }, _req, res) => {
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.flushHeaders();
      for (let n = 1; n <= 3; n++) {
        res.write(`id: ${n}\ndata: ${JSON.stringify({ thing: params.id, n })}\n\n`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    },
  }),
  route({
    method: 'get',
    path: '/api/things/',
    operationId: 'listThings',
    summary: 'List',
    access: { public: true },
    query: z.strictObject({ limit: z.string().optional() }),
    responses: { 200: { description: 'ok' } },
    handler: ({ query }, _req, res) => {
      res.json(query);
    },
  }),
];

const tokens = createTokenService(TEST_JWT_SECRET);
const app = createServiceApp({
  service: 'demo',
  logger: createLogger({ service: 'demo', level: 'silent' }),
  readiness: async () => ({ ready: true, checks: {} }),
  api: { title: 'Demo', description: 'Demo', port: 8009, ready: { checks: [] }, routes },
  tokens,
});

describe('routes declared by specs', () => {
  it('when a path parameter parses, then the handler gets it typed, with the request context; a malformed one gets null', async () => {
    const good = await request(app).get('/api/things/7').set('X-Request-Id', 'req-1');
    const bad = await request(app).get('/api/things/abc/');

    expect(good.body).toEqual({ id: 7, requestId: 'req-1' });
    expect(bad.body.id).toBeNull();
  });

  it('when a literal segment and a parameter could both match, then the literal route answers, whatever the declaration order', async () => {
    const res = await request(app).post('/api/things/special/').set('Authorization', bearer('admin')).send({ count: 2 });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ count: 2, by: 'admin-1' });
  });

  it('when a role is needed, then no token is 401 and another role 403, before the body is read', async () => {
    const none = await request(app).post('/api/things/special/').send({ count: 'x' });
    const customer = await request(app).post('/api/things/special/').set('Authorization', bearer('customer')).send({ count: 'x' });

    expect([none.status, customer.status]).toEqual([401, 403]);
  });

  it('when the body fails its schema or writes an integer as 1.0, then 400 validation_failed and the handler never runs', async () => {
    const before = seen.length;
    const admin = bearer('admin');
    const wrong = await request(app).post('/api/things/special/').set('Authorization', admin).send({ count: 'x' });
    const float = await request(app)
      .post('/api/things/special/')
      .set('Authorization', admin)
      .set('Content-Type', 'application/json')
      .send('{"count": 1.0}');
    const unknown = await request(app).post('/api/things/special/').set('Authorization', admin).send({ count: 1, colour: 'red' });

    expect([wrong.status, float.status, unknown.status]).toEqual([400, 400, 400]);
    expect(float.body.details).toEqual({ count: ['must be an integer, written without a decimal point or exponent'] });
    expect(seen.length).toBe(before);
  });

  it('when the body has a parse of its own, then its refusal is the answer, and what it parses reaches the handler', async () => {
    const missing = await request(app).post('/api/things/').send({});
    const wrong = await request(app).post('/api/things/').send({ count: 'x' });
    const ok = await request(app).post('/api/things/').send({ count: 3 });

    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'count required', code: 'validation_failed', details: { count: ['is required'] } });
    expect([wrong.status, wrong.body.error]).toEqual([400, 'Validation failed']);
    expect([ok.status, ok.body]).toEqual([201, { count: 3 }]);
  });

  it('when a route streams, then its messages arrive as it writes them, and the document names its media type', async () => {
    const res = await request(app).get('/api/things/4/stream');
    const document = await request(app).get('/openapi.json');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.text).toBe([1, 2, 3].map((n) => `id: ${n}\ndata: {"thing":4,"n":${n}}\n\n`).join(''));
    expect(Object.keys(document.body.paths['/api/things/{id}/stream/'].get.responses['200'].content)).toEqual(['text/event-stream']);
  });

  it('when a query parameter is unknown or repeated, then 400; a known one reaches the handler parsed', async () => {
    const ok = await request(app).get('/api/things/?limit=3');
    const unknown = await request(app).get('/api/things/?colour=red');
    const repeated = await request(app).get('/api/things/?limit=1&limit=2');

    expect(ok.body).toEqual({ limit: '3' });
    expect([unknown.status, repeated.status]).toEqual([400, 400]);
  });

  it('when another method is used, then 405 with Allow; OPTIONS is 204 with Allow', async () => {
    const put = await request(app).put('/api/things/1/');
    const options = await request(app).options('/api/things/1/');

    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(options.status).toBe(204);
  });

  it('when a route is declared twice, then the app refuses to build', () => {
    expect(() =>
      createServiceApp({
        service: 'demo',
        logger: createLogger({ service: 'demo', level: 'silent' }),
        readiness: async () => ({ ready: true, checks: {} }),
        api: {
          title: 'Demo',
          description: 'Demo',
          port: 8009,
          ready: { checks: [] },
          routes: [routes[0] as AnyRouteSpec, routes[0] as AnyRouteSpec],
        },
      }),
    ).toThrow(/declared twice/);
  });

  it('serves the document generated from the specs, with the routes every service shares', async () => {
    const res = await request(app).get('/openapi.json');

    expect(Object.keys(res.body.paths)).toEqual([
      '/api/things/{id}/',
      '/api/things/special/',
      '/api/things/',
      '/api/things/{id}/stream/',
      '/health',
      '/ready',
      '/metrics',
      '/openapi.json',
      '/docs',
    ]);
  });
});
