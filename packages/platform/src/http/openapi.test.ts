import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ApiSpec, buildOpenApi, exampleProblems } from './openapi.js';

const item = z.object({ id: z.number().int(), name: z.string() });
const itemBody = z.strictObject({ name: z.string().min(1) });
const query = z.strictObject({ limit: z.string().optional() });

function spec(overrides: Partial<ApiSpec> = {}): ApiSpec {
  return {
    service: 'demo',
    title: 'Demo service',
    description: 'A demo',
    port: 8009,
    ready: { checks: ['database'] },
    schemas: { Item: item, ItemCreate: itemBody },
    paths: {
      '/api/items/': {
        get: {
          operationId: 'listItems',
          summary: 'List',
          access: { public: true },
          query,
          responses: { 200: { description: 'items', schema: item, example: { id: 1, name: 'a' } } },
        },
        post: {
          operationId: 'createItem',
          summary: 'Create',
          access: { roles: 'admin' },
          body: { schema: itemBody, example: { name: 'a' } },
          responses: { 201: { description: 'created', schema: item, headers: ['Location'], example: { id: 1, name: 'a' } } },
        },
      },
      '/api/items/{id}/': {
        get: {
          operationId: 'getItem',
          summary: 'Get',
          access: { optional: 'an owner sees more' },
          params: { id: { description: 'id', schema: { type: 'integer' }, example: 1 } },
          responses: { 200: { description: 'item', schema: item, example: { id: 1, name: 'a' } } },
        },
      },
    },
    ...overrides,
  };
}

type Doc = {
  paths: Record<string, Record<string, { security: unknown; responses: Record<string, unknown>; parameters: unknown[] }>>;
  components: Record<string, Record<string, unknown>>;
};
const doc = (s: ApiSpec = spec()) => buildOpenApi(s) as unknown as Doc;

describe('buildOpenApi', () => {
  it('gives public operations no security, optional ones both, role ones the bearer scheme', () => {
    const { paths } = doc();

    expect(paths['/api/items/']?.get?.security).toEqual([]);
    expect(paths['/api/items/{id}/']?.get?.security).toEqual([{}, { bearer: [] }]);
    expect(paths['/api/items/']?.post?.security).toEqual([{ bearer: [] }]);
  });

  it('adds the answers every route shares, by method and access', () => {
    const { paths } = doc();
    const statuses = (method: string, path: string) => Object.keys(paths[path]?.[method]?.responses ?? {});

    expect(statuses('get', '/api/items/')).toEqual(['200', '400', '401', '405', '408', '429', '431', '500']);
    expect(statuses('post', '/api/items/')).toEqual(['201', '400', '401', '403', '405', '408', '413', '415', '429', '431', '500']);
    expect(statuses('get', '/health')).toEqual(['200', '405', '408', '431', '500']);
    expect(statuses('get', '/docs')).toEqual(['200', '405', '408', '429', '431', '500']);
    expect(paths['/api/items/']?.post?.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
    expect(paths['/api/items/']?.get?.responses['401']).toEqual({ $ref: '#/components/responses/InvalidAuthorization' });
  });

  it('documents the routes every service has', () => {
    expect(Object.keys(doc().paths)).toEqual([
      '/api/items/',
      '/api/items/{id}/',
      '/health',
      '/ready',
      '/metrics',
      '/openapi.json',
      '/docs',
    ]);
  });

  it('refers to registered schemas and drops components nothing uses', () => {
    const { components } = doc();

    expect(Object.keys(components.schemas ?? {})).toEqual([
      'Error',
      'Health',
      'Readiness',
      'Metrics',
      'OpenApiDocument',
      'DocsPage',
      'Item',
      'ItemCreate',
    ]);
    expect(Object.keys(components.headers ?? {})).toEqual(['X-Request-Id', 'Location', 'Retry-After', 'WWW-Authenticate', 'Allow']);
    expect(JSON.stringify(components)).not.toContain('$schema');
  });

  it('leaves the shared components whole for the next document', () => {
    doc();
    const withLinks = doc(
      spec({
        paths: {
          '/api/items/': {
            get: {
              operationId: 'listItems',
              summary: 'List',
              access: { public: true },
              responses: { 200: { description: 'items', schema: item, headers: ['X-Total-Count', 'Link'], example: { id: 1, name: 'a' } } },
            },
          },
        },
      }),
    );

    expect(Object.keys(withLinks.components.headers ?? {})).toEqual(expect.arrayContaining(['X-Total-Count', 'Link']));
  });

  it('turns the query schema into parameters, and adds X-Request-Id to every operation', () => {
    const parameters = doc().paths['/api/items/']?.get?.parameters;

    expect(parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: { type: 'string' } },
      { $ref: '#/components/parameters/RequestId' },
    ]);
  });

  it('refuses a schema that is not registered, and a path parameter not described', () => {
    const unregistered = spec({ schemas: { ItemCreate: itemBody } });
    expect(() => buildOpenApi(unregistered)).toThrow(/not registered/);

    const undescribed = spec();
    delete undescribed.paths['/api/items/{id}/']?.get?.params;
    expect(() => buildOpenApi(undescribed)).toThrow(/path parameter \{id\}/);
  });
});

describe('exampleProblems', () => {
  it('is empty when every example fits its schema', () => {
    expect(exampleProblems(spec())).toEqual([]);
  });

  it('names an example its schema refuses, one with an unknown field, and a missing one', () => {
    const bad = spec();
    const ops = bad.paths['/api/items/'];
    if (!ops?.get || !ops.post?.body) throw new Error('spec changed');
    ops.get.responses[200] = { description: 'items', schema: item, example: { id: 'one', name: 'a' } };
    ops.post.body.example = { name: 'a', colour: 'red' };
    ops.post.responses[201] = { description: 'created', schema: item };

    expect(exampleProblems(bad)).toEqual([
      expect.stringMatching(/^GET \/api\/items\/ 200 example: not accepted/),
      expect.stringMatching(/^POST \/api\/items\/ request body example: not accepted/),
      'POST /api/items/ 201: no example',
    ]);
  });
});
