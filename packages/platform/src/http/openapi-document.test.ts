import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleProblems, openApiDocument } from './openapi-document.js';
import { type AnyRouteSpec, route } from './route-spec.js';

const item = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'Item' });
const itemBody = z.strictObject({ name: z.string().min(1) }).meta({ id: 'ItemCreate' });
const query = z.strictObject({ limit: z.string().optional() });
const itemId = { description: 'id', schema: { type: 'integer' }, example: 1, parse: Number };
const noop = () => undefined;

function routes(): AnyRouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/items/',
      operationId: 'listItems',
      summary: 'List',
      access: { public: true },
      query,
      responses: { 200: { description: 'items', schema: z.array(item), example: [{ id: 1, name: 'a' }] } },
      handler: noop,
    }),
    route({
      method: 'post',
      path: '/api/items/',
      operationId: 'createItem',
      summary: 'Create',
      access: { roles: ['admin'] },
      headers: { 'Idempotency-Key': { description: 'makes a retry safe', schema: { type: 'string' } } },
      body: { schema: itemBody, example: { name: 'a' } },
      responses: { 201: { description: 'created', schema: item, headers: ['Location'], example: { id: 1, name: 'a' } } },
      handler: noop,
    }),
    route({
      method: 'get',
      path: '/api/items/{id}/',
      operationId: 'getItem',
      summary: 'Get',
      access: { optional: 'an owner sees more' },
      params: { id: itemId },
      responses: {
        200: { description: 'item', schema: item, example: { id: 1, name: 'a' } },
        404: { description: 'no', schema: 'Error', example: { error: 'Not found', code: 'not_found' } },
      },
      handler: noop,
    }),
    route({
      method: 'get',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Up',
      access: { public: true },
      responses: { 200: { description: 'up' } },
      handler: noop,
    }),
  ];
}

type Operation = { security: unknown; responses: Record<string, unknown>; parameters: unknown[]; description?: string };
type Doc = { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };
const info = { service: 'demo', title: 'Demo service', description: 'A demo', port: 8009 };
const doc = (list: AnyRouteSpec[] = routes()) => openApiDocument(info, list) as unknown as Doc;

describe('openApiDocument', () => {
  it('gives public operations no security, optional ones both, role ones the bearer scheme and a sentence', () => {
    const { paths } = doc();

    expect(paths['/api/items/']?.get?.security).toEqual([]);
    expect(paths['/api/items/{id}/']?.get?.security).toEqual([{}, { bearer: [] }]);
    expect(paths['/api/items/']?.post?.security).toEqual([{ bearer: [] }]);
    expect(paths['/api/items/']?.post?.description).toBe('Requires a bearer token with the role admin.');
  });

  it('adds the answers every route shares, by method, path and access', () => {
    const { paths } = doc();
    const statuses = (method: string, path: string) => Object.keys(paths[path]?.[method]?.responses ?? {});

    expect(statuses('get', '/api/items/')).toEqual(['200', '400', '401', '405', '408', '429', '431', '500', '503']);
    expect(statuses('post', '/api/items/')).toEqual(['201', '400', '401', '403', '405', '408', '413', '415', '429', '431', '500', '503']);
    expect(statuses('get', '/health')).toEqual(['200', '405', '408', '431', '500']);
    expect(paths['/api/items/']?.post?.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
    expect(paths['/api/items/']?.get?.responses['401']).toEqual({ $ref: '#/components/responses/InvalidAuthorization' });
    expect(paths['/api/items/']?.get?.responses['503']).toEqual({ $ref: '#/components/responses/DatabaseUnavailable' });
  });

  it('keeps a route’s own answer where a shared one has the same status (a 503 of its own)', () => {
    const list = routes();
    (list[0] as AnyRouteSpec).responses[503] = {
      description: 'a neighbour is down',
      schema: 'Error',
      example: { error: 'Neighbour unavailable', code: 'neighbour_unavailable' },
    };

    expect(doc(list).paths['/api/items/']?.get?.responses['503']).toMatchObject({ description: 'a neighbour is down' });
  });

  it('names the schemas that carry an id as components, writes lists inline, and drops components nothing uses', () => {
    const { components, paths } = doc();

    expect(Object.keys(components.schemas ?? {}).sort()).toEqual(['Error', 'Item', 'ItemCreate']);
    expect(paths['/api/items/']?.get?.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Item' } } } },
    });
    expect(Object.keys(components.headers ?? {}).sort()).toEqual(['Allow', 'Location', 'Retry-After', 'WWW-Authenticate', 'X-Request-Id']);
    expect(JSON.stringify(components)).not.toContain('$schema');
  });

  it('turns the query schema into parameters, describes path parameters and headers, and adds X-Request-Id', () => {
    const { paths } = doc();

    expect(paths['/api/items/']?.get?.parameters).toEqual([
      { $ref: '#/components/parameters/RequestId' },
      { name: 'limit', in: 'query', required: false, schema: { type: 'string' } },
    ]);
    expect(paths['/api/items/{id}/']?.get?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, description: 'id', schema: { type: 'integer' }, example: 1 },
      { $ref: '#/components/parameters/RequestId' },
    ]);
    expect(paths['/api/items/']?.post?.parameters?.[0]).toEqual({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'makes a retry safe',
      schema: { type: 'string' },
    });
  });

  it('gives no request header an example, so Swagger UI pre-fills none (X-Request-Id, Idempotency-Key)', () => {
    const { components } = doc();

    expect(components.parameters?.RequestId).not.toHaveProperty('example');
    expect(JSON.stringify(components.parameters)).not.toContain('"example"');
  });

  it('says the HTTP server’s own 408 and 431 carry an X-Request-Id, as they do', () => {
    const { components } = doc();

    for (const name of ['RequestTimeout', 'HeadersTooLarge']) {
      const response = components.responses?.[name] as { description: string; headers: object };
      expect(response.headers).toHaveProperty('X-Request-Id');
      expect(response.description).not.toMatch(/without X-Request-Id/);
    }
  });

  it('refuses a path parameter that is not described', () => {
    const list = routes();
    delete (list[2] as { params?: unknown }).params;

    expect(() => doc(list)).toThrow(/path parameter \{id\}/);
  });
});

describe('exampleProblems', () => {
  it('is empty when every example fits its schema', () => {
    expect(exampleProblems(routes())).toEqual([]);
  });

  it('names an example its schema refuses, one with an unknown field, and a missing one', () => {
    const list = routes();
    const [get, post] = list as [AnyRouteSpec, AnyRouteSpec];
    get.responses[200] = { description: 'items', schema: z.array(item), example: [{ id: 'one', name: 'a' }] };
    post.body = { schema: itemBody, example: { name: 'a', colour: 'red' } };
    post.responses[201] = { description: 'created', schema: item };

    expect(exampleProblems(list)).toEqual([
      expect.stringMatching(/^GET \/api\/items\/ 200 example: not accepted/),
      expect.stringMatching(/^POST \/api\/items\/ request body example: not accepted/),
      'POST /api/items/ 201: no example',
    ]);
  });
});
