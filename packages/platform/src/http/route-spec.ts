import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Claims, Role } from '../auth/tokens.js';
import { type ErrorDetails, ValidationError } from '../errors.js';
import type { COMPONENT_HEADERS } from './openapi-components.js';
import type { AttemptLimiter } from './rate-limit.js';
import type { RequestContext } from './request-context.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call an operation. */
export type Access =
  /** No token needed, and a token changes nothing. */
  | { public: true }
  /** No token needed; a token, when sent, changes the answer (the text says how). */
  | { optional: string }
  /** A bearer token with one of these roles (checked: 401 without a token, 403 with another role); `who` words it for the docs. */
  | { roles: readonly Role[]; who?: string };

/** A schema of the document: a zod schema (named by `.meta({ id })` when it is a component), or the shared Error. */
export type SchemaRef = z.ZodType | 'Error';

export interface ExampleSpec {
  summary: string;
  value: unknown;
}

/** Names from components.headers (X-Request-Id is added to every response). */
export type HeaderName = keyof typeof COMPONENT_HEADERS;

export interface ResponseSpec {
  description: string;
  /** Several schemas are offered as `anyOf` (an answer is one of them). */
  schema?: SchemaRef | SchemaRef[];
  /** Media type of the body; application/json unless said. */
  contentType?: string;
  /** One `example`, or named `examples` when one answer has several shapes worth showing. */
  example?: unknown;
  examples?: Record<string, ExampleSpec>;
  headers?: HeaderName[];
}

/** The 400 of a body that fails validation or is not JSON, with an example of its `details`. */
export function invalidBody(details: ErrorDetails, description = 'validation failed, or malformed JSON'): ResponseSpec {
  return { description, schema: 'Error', example: new ValidationError(details).toJSON() };
}

/**
 * A path parameter: what the document says of it, and how the route reads it. `parse` never
 * throws: a malformed id is not a 400 but an id that names nothing (null, a 404 from the domain).
 */
export interface PathParam<T> {
  description: string;
  /** Its JSON Schema in the document (what a well-formed value looks like). */
  schema: Record<string, unknown>;
  example: string | number;
  parse: (value: string) => T;
}

/**
 * A request header the route reads, for the document only. It gets no `example`: Swagger UI's Try
 * it out would pre-fill it and send the same value on every try (one Idempotency-Key for every order).
 */
export interface HeaderParam {
  description: string;
  schema: Record<string, unknown>;
  required?: boolean;
}

export interface BodySpec<S extends z.ZodType> {
  /** Parsed before the handler runs; its failures are 400 `validation_failed` with details. A body it accepts when absent is optional. */
  schema: S;
  description?: string;
  example?: unknown;
  examples?: Record<string, ExampleSpec>;
  /**
   * Integer fields, by key: written with a decimal point or an exponent (`1.0`, `1e0`) they are
   * refused, checked on the raw body before parsing (JSON.parse would turn `1.0` into 1).
   */
  integerFields?: readonly string[];
  /**
   * How the route reads the body when its refusals say more than the schema can (a sentence of the
   * contract's own for a missing field): parses it as `schema` would, or throws a 400. `schema` stays
   * what the document shows.
   */
  parse?: (body: unknown) => z.output<S>;
}

type ParamsShape = Record<string, PathParam<unknown>>;
type ParamsOf<P extends ParamsShape> = { [K in keyof P]: P[K] extends PathParam<infer T> ? T : never };

/** What a handler receives: the request parsed by the spec, and the request's context. */
export interface RouteInput<P extends ParamsShape, Q extends z.ZodObject | undefined, B extends z.ZodType | undefined> {
  params: ParamsOf<P>;
  query: Q extends z.ZodObject ? z.output<Q> : undefined;
  body: B extends z.ZodType ? z.output<B> : undefined;
  /** The verified token's claims; always set on a route with `roles`. */
  auth: Claims | undefined;
  ctx: RequestContext;
}

/**
 * One route, declared once: the Express route, its checks and its OpenAPI operation all come from
 * this. `path` is written as in the document (`/api/products/{id}/`); the route answers it with and
 * without the trailing slash.
 */
export interface RouteSpec<
  P extends ParamsShape = ParamsShape,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  access: Access;
  /** One entry per `{name}` of the path. */
  params?: P;
  /** The query parameters the route takes; any other is a 400 on /api/ routes. */
  query?: Q;
  /** Request headers beyond X-Request-Id, e.g. Idempotency-Key (the handler reads them). */
  headers?: Record<string, HeaderParam>;
  body?: BodySpec<NonNullable<B>>;
  /** What this route answers itself; the answers every route shares are added to the document. */
  responses: Record<number, ResponseSpec>;
  /** Failed attempts limited per key (logins): counted on arrival, uncounted when the handler succeeds. */
  attempts?: AttemptLimiter;
  handler: (input: RouteInput<P, Q, B>, req: Request, res: Response) => unknown;
}

/** A route spec of any shape, as lists of routes hold them. */
// biome-ignore lint/suspicious/noExplicitAny: the handler's input differs per route; each was checked by `route()`.
export type AnyRouteSpec = RouteSpec<any, any, any>;

/**
 * Declares a route once: `createServiceApp({ api: { ..., routes } })` registers it in Express with its
 * checks, and generates its operation in /openapi.json (zod-to-openapi), so the two cannot differ.
 * An identity function, for the types: the handler's input is inferred from the spec.
 *
 * ```ts
 * export const ordersRoutes = (orders: OrdersService): AnyRouteSpec[] => [
 *   route({
 *     method: 'get',
 *     path: '/api/orders/{id}/',                // as in the document; answered with and without the slash
 *     operationId: 'getOrder',
 *     summary: 'Get an order',
 *     access: { optional: 'needed for an order placed with a customer token' },
 *     params: { id: { description: 'Order id', schema: { type: 'string', format: 'uuid' }, example: ORDER_ID, parse: parseUuidParam } },
 *     responses: { 200: { description: 'the order', schema: orderJson, example: paid }, 404: notFound },
 *     handler: async ({ params, auth, ctx }, _req, res) => {
 *       res.json(toOrderJson(await orders.getOrder(params.id, auth, ctx)));
 *     },
 *   }),
 * ];
 * ```
 *
 * What the platform does for each route, in this order: `access.roles` → requireRole (401/403; the
 * token itself was verified once, before the rate limiter); `attempts` (login limits); unknown or
 * repeated query parameters → 400 on /api/ paths; then the path parameters are parsed (`parse`, never
 * a 400), `body.integerFields` checked on the raw body, the body (`body.parse`, else `body.schema`)
 * and `query` parsed (400 with details), and the handler called with `{ params, query, body, auth,
 * ctx }`. Other methods of the path answer 405 with Allow, OPTIONS 204. Literal segments win over
 * parameters whatever the order of the list (`/api/orders/events` before `/api/orders/{id}`).
 *
 * The document gets the shared answers (400/401/403/405/408/413/415/429/431/500, and 503
 * `database_unavailable` on /api/ paths) by path, method and access; a route's own answer of the same
 * status replaces the shared one, so a route's own 503 lists `databaseUnavailable()` among its
 * examples. A zod schema named with `.meta({ id })` becomes a component; a list is written inline
 * (`z.array(orderJson)`), never as a component. A streaming answer (Server-Sent Events) is a handler
 * that writes to `res` itself and returns; its response names its `contentType`.
 */
export function route<
  P extends ParamsShape = Record<never, never>,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): AnyRouteSpec {
  return spec;
}
