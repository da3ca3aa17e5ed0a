import { z } from 'zod';
import { NotFoundError } from '../errors.js';
import { commonRoutes, type ReadyChecks } from './common-routes.js';
import { type ApiInfo, openApiDocument } from './openapi-document.js';
import { type AnyRouteSpec, type ExampleSpec, type HttpMethod, type ResponseSpec, route, type SchemaRef } from './route-spec.js';

/**
 * The tables of operations a service wrote beside its routes before route specs existed, turned
 * into route specs for the document alone (their routes stay where they are). For a service not yet
 * moved onto `route()`; see api-router.ts for the way to move one.
 */

/** Who may call an operation; `roles` is the text the document shows (e.g. "service or admin"). */
type TableAccess = { public: true } | { optional: string } | { roles: string };

export interface ParameterSpec {
  description: string;
  schema: Record<string, unknown>;
  /** Shown in the description of a header (an example there would be pre-filled by Swagger UI's Try it out). */
  example: unknown;
}

export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  access: TableAccess;
  params?: Record<string, ParameterSpec>;
  query?: z.ZodObject;
  headers?: Record<string, ParameterSpec & { required?: boolean }>;
  body?: { schema: z.ZodType; description?: string; example?: unknown; examples?: Record<string, ExampleSpec> };
  responses: Record<number, ResponseSpec>;
}

export type PathsSpec = Record<string, Partial<Record<HttpMethod, OperationSpec>>>;

export interface ApiSpec extends ApiInfo {
  /** Schemas the operations name, as components (lists are written inline, so Swagger UI shows their items). */
  schemas: Record<string, z.ZodType>;
  /** What GET /ready answers on this service (its checks). */
  ready: ReadyChecks;
  paths: PathsSpec;
}

const notServed = () => {
  throw new NotFoundError();
};

/** The operations of a table as route specs, with the routes every service shares. */
export function apiSpecRoutes(spec: ApiSpec): AnyRouteSpec[] {
  const named = new Map<z.ZodType, z.ZodType>();
  for (const [name, schema] of Object.entries(spec.schemas)) {
    if (!(schema instanceof z.ZodArray)) named.set(schema, schema.meta({ id: name }));
  }
  const ref = (schema: SchemaRef): SchemaRef => {
    if (schema === 'Error') return schema;
    const element = schema instanceof z.ZodArray ? named.get(schema.element as z.ZodType) : undefined;
    return element ? z.array(element) : (named.get(schema) ?? schema);
  };
  const routes: AnyRouteSpec[] = [];
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(operations) as [HttpMethod, OperationSpec][]) {
      routes.push(
        route({
          method,
          path,
          operationId: op.operationId,
          summary: op.summary,
          description: op.description,
          access: 'roles' in op.access ? { roles: [], who: op.access.roles } : op.access,
          params: Object.fromEntries(
            Object.entries(op.params ?? {}).map(([name, p]) => [name, { ...p, example: p.example as string, parse: String }]),
          ),
          query: op.query,
          headers: Object.fromEntries(
            Object.entries(op.headers ?? {}).map(([name, { example, description, ...header }]) => [
              name,
              { ...header, description: `${description} (e.g. \`${String(example)}\`)` },
            ]),
          ),
          ...(op.body ? { body: { ...op.body, schema: ref(op.body.schema) as z.ZodType } } : {}),
          responses: Object.fromEntries(
            Object.entries(op.responses).map(([status, response]) => [
              status,
              response.schema === undefined
                ? response
                : { ...response, schema: Array.isArray(response.schema) ? response.schema.map(ref) : ref(response.schema) },
            ]),
          ),
          handler: notServed,
        }),
      );
    }
  }
  const unserved = { readiness: notServed, metrics: notServed, openApiJson: notServed, docsPage: '' };
  return [...routes, ...commonRoutes(spec.service, spec.ready, unserved)];
}

/** The OpenAPI document of a table of operations. */
export function buildOpenApi(spec: ApiSpec): Record<string, unknown> {
  return openApiDocument(spec, apiSpecRoutes(spec));
}
