import { z } from 'zod';
import { COMMON_SCHEMAS, commonPaths, type ReadyExample } from './openapi-common.js';
import { COMPONENT_HEADERS, COMPONENT_PARAMETERS, COMPONENT_RESPONSES, ERROR_SCHEMA } from './openapi-components.js';
import { PROBE_PATHS } from './probe-paths.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call an operation. */
export type Access =
  /** No token needed, and a token changes nothing. */
  | { public: true }
  /** No token needed; a token, when sent, changes the answer (`who` says how). */
  | { optional: string }
  /** A bearer token with one of these roles, e.g. "admin" or "service or admin". */
  | { roles: string };

/** A schema of the document: a zod schema registered under a name, or the shared Error. */
export type SchemaRef = z.ZodType | 'Error';

export interface ExampleSpec {
  summary: string;
  value: unknown;
}

export interface ResponseSpec {
  description: string;
  /** Several schemas are offered as `anyOf` (an answer is one of them). */
  schema?: SchemaRef | SchemaRef[];
  /** Media type of the body; application/json unless said. */
  contentType?: string;
  /** One `example`, or named `examples` when one answer has several shapes worth showing. */
  example?: unknown;
  examples?: Record<string, ExampleSpec>;
  /** Names from components.headers (X-Request-Id is added to every response). */
  headers?: HeaderName[];
}

export interface ParameterSpec {
  description: string;
  schema: object;
  example: unknown;
}

export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  access: Access;
  /** The route's path parameters, by their name in the path template. */
  params?: Record<string, ParameterSpec>;
  /** The zod object the route parses `req.query` with. */
  query?: z.ZodObject;
  /** Request headers beyond X-Request-Id, e.g. Idempotency-Key. */
  headers?: Record<string, ParameterSpec & { required?: boolean }>;
  /** One `example`, or named `examples` when the body has several shapes worth showing. */
  body?: { schema: z.ZodType; description?: string; example?: unknown; examples?: Record<string, ExampleSpec> };
  /** What this route answers itself. The statuses every route shares are added (see commonResponses). */
  responses: Record<number, ResponseSpec>;
}

export type PathsSpec = Record<string, Partial<Record<HttpMethod, OperationSpec>>>;

export interface ApiSpec {
  service: string;
  title: string;
  description: string;
  /** The port `npm start` gives the service, for the document's `servers`. */
  port: number;
  /** Every schema the operations name, registered as components.schemas under these names. */
  schemas: Record<string, z.ZodType>;
  /** What GET /ready answers on this service (its checks). */
  ready: ReadyExample;
  paths: PathsSpec;
}

export type HeaderName = keyof typeof COMPONENT_HEADERS;

const WRITES = new Set<HttpMethod>(['post', 'put', 'patch', 'delete']);
const JSON_TYPE = 'application/json';

/**
 * Builds the OpenAPI 3.1 document of a service from the same zod schemas its routes parse with,
 * so the document cannot drift from what the service accepts. Adds the routes every service
 * shares (/health, /ready, /metrics, /openapi.json, /docs) and the answers any route can give
 * besides its own (see commonResponses), each with the shared Error schema.
 */
export function buildOpenApi(spec: ApiSpec): Record<string, unknown> {
  const names = new Map<z.ZodType, string>();
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries({ ...COMMON_SCHEMAS, ...spec.schemas })) {
    names.set(schema, name);
    registry.add(schema, { id: name });
  }
  const ref = (schema: SchemaRef): object => {
    if (schema === 'Error') return { $ref: '#/components/schemas/Error' };
    const name = names.get(schema);
    if (!name) throw new Error(`${spec.title}: a schema used by an operation is not registered in spec.schemas`);
    return { $ref: `#/components/schemas/${name}` };
  };
  const converted = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, ...JSON_SCHEMA_OPTIONS });

  const paths: Record<string, Record<string, object>> = {};
  const addPaths = (specs: PathsSpec, serviceTag: string | undefined) => {
    for (const [path, operations] of Object.entries(specs)) {
      const item: Record<string, object> = {};
      for (const [method, op] of Object.entries(operations) as [HttpMethod, OperationSpec][]) {
        item[method] = operation(path, method, op, serviceTag, ref);
      }
      paths[path] = item;
    }
  };
  addPaths(spec.paths, spec.service);
  addPaths(commonPaths(spec.service, spec.ready), undefined);

  const document = {
    openapi: '3.1.0',
    info: {
      title: spec.title,
      version: '1.0.0',
      description: `${spec.description}\n\n${COMMON_NOTES}`,
    },
    servers: [{ url: `http://127.0.0.1:${spec.port}`, description: `npm start (${spec.service} on ${spec.port})` }],
    tags: [
      { name: spec.service, description: spec.title },
      { name: 'operations', description: 'Health, readiness, metrics and these docs: the same on every service' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'HS256 JWT signed with JWT_SECRET, claims sub, role (admin | customer | service) and exp. ' +
            'An admin token: POST /api/token/ on the product service; any role: npm run token -- --role customer.',
        },
      },
      // Copies: pruning must not touch the shared definitions.
      parameters: structuredClone(COMPONENT_PARAMETERS),
      headers: structuredClone(COMPONENT_HEADERS),
      responses: structuredClone(COMPONENT_RESPONSES),
      schemas: { Error: ERROR_SCHEMA, ...clean(converted.schemas) },
    },
  };
  return pruneUnusedComponents(document);
}

/** What holds on every service, said once at the top of each document. */
const COMMON_NOTES = [
  'Every error is JSON `{"error", "code"}` (the `Error` schema), plus `details` for validation errors; the codes are stable.',
  'Every request may carry an `X-Request-Id`; every answer returns it, and the services forward it to each other and log it.',
  'Paths are answered with and without the trailing slash. Unknown body fields and unknown query parameters are a 400.',
  'Too many requests get 429 `rate_limited` with `Retry-After`: always on `POST /api/token/`, elsewhere when a limit is configured.',
  'Cross-origin browser calls are allowed only from the origins in CORS_ORIGINS, which also answer the preflight `OPTIONS`.',
  '`OPTIONS` on any path answers 204 with `Allow` (its methods); another method not listed for a path answers 405 with `Allow`.',
].join('\n\n');

const JSON_SCHEMA_OPTIONS = {
  io: 'input',
  unrepresentable: 'any',
  // Query values arrive as strings; a field that declares itself an integer keeps no string pattern.
  override: ({ jsonSchema }) => {
    if (jsonSchema.type === 'integer') delete jsonSchema.pattern;
  },
} satisfies Parameters<typeof z.toJSONSchema>[1];

/** `serviceTag` is set for the service's own routes, unset for the routes every service shares. */
function operation(
  path: string,
  method: HttpMethod,
  op: OperationSpec,
  serviceTag: string | undefined,
  ref: (s: SchemaRef) => object,
): object {
  const isApi = serviceTag !== undefined;
  const responses: Record<string, object> = {};
  for (const [status, response] of Object.entries(op.responses)) responses[status] = responseObject(response, ref);
  for (const [status, common] of Object.entries(commonResponses(path, method, op, isApi))) {
    responses[status] ??= { $ref: `#/components/responses/${common}` };
  }
  const sorted = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));

  const parameters: object[] = [];
  for (const name of Array.from(path.matchAll(/\{(\w+)\}/g), (m) => m[1] as string)) {
    const param = op.params?.[name];
    if (!param) throw new Error(`${op.operationId}: path parameter {${name}} is not described`);
    parameters.push({ name, in: 'path', required: true, ...param });
  }
  for (const [name, field] of Object.entries(op.query?.shape ?? {}) as [string, z.ZodType][]) {
    const schema = clean(z.toJSONSchema(field, JSON_SCHEMA_OPTIONS)) as Record<string, unknown>;
    const { description, ...rest } = schema;
    parameters.push({ name, in: 'query', required: !field.safeParse(undefined).success, description, schema: rest });
  }
  for (const [name, { required = false, ...header }] of Object.entries(op.headers ?? {})) {
    parameters.push({ name, in: 'header', required, ...header });
  }
  parameters.push({ $ref: '#/components/parameters/RequestId' });

  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description || !('public' in op.access) ? { description: describe(op) } : {}),
    tags: [serviceTag ?? 'operations'],
    security: security(op.access),
    parameters,
    ...(op.body
      ? {
          requestBody: {
            // A body the route accepts when absent (a refund's, a cancellation's) is optional.
            required: !op.body.schema.safeParse(undefined).success,
            ...(op.body.description ? { description: op.body.description } : {}),
            content: {
              [JSON_TYPE]: { schema: ref(op.body.schema), ...exampleFields(op.body) },
            },
          },
        }
      : {}),
    responses: sorted,
  };
}

function describe(op: OperationSpec): string {
  const parts = [op.description ?? ''];
  if ('roles' in op.access) parts.push(`Requires a bearer token with the role ${op.access.roles}.`);
  if ('optional' in op.access) parts.push(`A bearer token is optional: ${op.access.optional}.`);
  return parts.filter(Boolean).join('\n\n');
}

function security(access: Access): object[] {
  if ('public' in access) return [];
  // An optional token is either absent (the empty requirement) or a bearer token.
  if ('optional' in access) return [{}, { bearer: [] }];
  return [{ bearer: [] }];
}

/**
 * The answers a route can give besides its own. Every route: another method (405), a request that
 * is too slow or has too many headers (408, 431, from the HTTP server) and a failure (500); every
 * route but the probes (/health, /ready, /metrics): a rate limit, when configured (429). The /api
 * routes also: unknown query parameters (400), a bad Authorization header, also where a token is
 * optional (401), a missing role (403), and on writes a body too large or not JSON (413, 415).
 */
function commonResponses(path: string, method: HttpMethod, op: OperationSpec, isApi: boolean): Record<number, string> {
  const common: Record<number, string> = { 405: 'MethodNotAllowed', 408: 'RequestTimeout', 431: 'HeadersTooLarge', 500: 'InternalError' };
  if (!PROBE_PATHS.has(path)) common[429] = 'TooManyRequests';
  if (!isApi) return common;
  common[400] = 'BadRequest';
  common[401] = 'roles' in op.access ? 'Unauthorized' : 'InvalidAuthorization';
  if ('roles' in op.access) common[403] = 'Forbidden';
  if (WRITES.has(method)) {
    common[413] = 'PayloadTooLarge';
    common[415] = 'UnsupportedMediaType';
  }
  return common;
}

function responseObject(response: ResponseSpec, ref: (s: SchemaRef) => object): object {
  const headers: Record<string, object> = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };
  for (const name of response.headers ?? []) headers[name] = { $ref: `#/components/headers/${name}` };
  if (!response.schema) return { description: response.description, headers };
  const schemas = Array.isArray(response.schema) ? response.schema : [response.schema];
  const schema = schemas.length === 1 ? ref(schemas[0] as SchemaRef) : { anyOf: schemas.map(ref) };
  return {
    description: response.description,
    headers,
    content: {
      [response.contentType ?? JSON_TYPE]: { schema, ...exampleFields(response) },
    },
  };
}

// OpenAPI allows `example` or `examples` on a media type, never both.
function exampleFields(source: { example?: unknown; examples?: Record<string, ExampleSpec> }): object {
  if (source.examples) return { examples: source.examples };
  return source.example === undefined ? {} : { example: source.example };
}

const errorShape = z.looseObject({ error: z.string(), code: z.string().regex(/^[a-z0-9_]+$/) });

/**
 * What is wrong with the examples of a spec: a body or a response with a schema but no example,
 * and any example its zod schema (or one of its schemas) does not accept. Empty when all is well.
 */
export function exampleProblems(spec: ApiSpec): string[] {
  const problems: string[] = [];
  const check = (where: string, schemas: SchemaRef[], source: { example?: unknown; examples?: Record<string, ExampleSpec> }) => {
    const values = source.examples
      ? Object.entries(source.examples).map(([name, e]) => [name, e.value] as const)
      : [['example', source.example] as const];
    if (source.example === undefined && !source.examples) problems.push(`${where}: no example`);
    for (const [name, value] of values) {
      if (value === undefined) continue;
      const ok = schemas.some((schema) => (schema === 'Error' ? errorShape : strictly(schema)).safeParse(value).success);
      if (!ok) problems.push(`${where} ${name}: not accepted by its schema: ${JSON.stringify(value).slice(0, 200)}`);
    }
  };
  for (const [path, operations] of Object.entries({ ...spec.paths, ...commonPaths(spec.service, spec.ready) })) {
    for (const [method, op] of Object.entries(operations) as [HttpMethod, OperationSpec][]) {
      const where = `${method.toUpperCase()} ${path}`;
      if (op.body) check(`${where} request body`, [op.body.schema], op.body);
      for (const [status, response] of Object.entries(op.responses)) {
        if (response.schema) check(`${where} ${status}`, Array.isArray(response.schema) ? response.schema : [response.schema], response);
      }
    }
  }
  return problems;
}

/** Response schemas are plain objects that strip unknown keys; an example must not have any. */
function strictly(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) return schema.strict();
  if (schema instanceof z.ZodArray && schema.element instanceof z.ZodObject) return z.array(schema.element.strict());
  return schema;
}

/**
 * Removes what JSON Schema generators add and OpenAPI does not want: `$schema` and `$id` in every
 * schema (openapi-to-postmanv2 and others produce empty bodies from them), and the safe-integer
 * bounds zod gives every integer.
 */
function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === 'minimum' && inner === Number.MIN_SAFE_INTEGER) continue;
    if (key === 'maximum' && inner === Number.MAX_SAFE_INTEGER) continue;
    out[key] = clean(inner);
  }
  return out as T;
}

/** Drops components that nothing outside components refers to, directly or through another component. */
function pruneUnusedComponents<T extends { components: Record<string, Record<string, unknown>> }>(document: T): T {
  const refsIn = (value: unknown): string[] =>
    Array.from((JSON.stringify(value) ?? '').matchAll(/"#\/components\/(\w+)\/([\w-]+)"/g), (m) => `${m[1]}/${m[2]}`);
  const reachable = new Set<string>();
  const queue = refsIn({ ...document, components: undefined });
  while (queue.length > 0) {
    const key = queue.pop() as string;
    if (reachable.has(key)) continue;
    reachable.add(key);
    const [kind = '', name = ''] = key.split('/');
    queue.push(...refsIn(document.components[kind]?.[name]));
  }
  for (const [kind, entries] of Object.entries(document.components)) {
    if (kind === 'securitySchemes') continue;
    for (const name of Object.keys(entries)) if (!reachable.has(`${kind}/${name}`)) delete entries[name];
  }
  return document;
}
