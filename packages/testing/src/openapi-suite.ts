import { type AnyRouteSpec, exampleProblems } from '@order-system/platform';
import type { Express } from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { listen } from './listen.js';
import { documentProblems, expressRoutes, lintOpenApi, openApiRoutes } from './openapi.js';
import { undocumentedAnswers } from './openapi-probe.js';
import { bearer } from './tokens.js';

/** A file of the /docs page, served beside Swagger UI's own assets: not an API route. */
const DOCS_FILES = ['GET /docs/swagger-initializer.js'];

interface ServiceDeps {
  close(): Promise<void>;
}

export interface OpenApiSuiteOptions<D extends ServiceDeps> {
  /** The service's name, as in "the order service". */
  service: string;
  /** The service's app on a database of its own; `close` releases it. */
  createApp: () => Promise<{ app: Express; deps: D }>;
  /** The route specs the app is built from (their examples are checked against their schemas). */
  routes: (deps: D) => readonly AnyRouteSpec[];
}

/**
 * The checks every service's OpenAPI document passes: redocly's lint, one operation for each route
 * of the app and none more, ids, security, shared answers, headers and examples, and answers (to the
 * examples and to hostile requests) only with the statuses the document names.
 */
export function describeOpenApiDocument<D extends ServiceDeps>(options: OpenApiSuiteOptions<D>): void {
  const { service, createApp } = options;
  describe(`the ${service} service OpenAPI document`, () => {
    let document: Record<string, unknown>;
    let routes: readonly AnyRouteSpec[];

    beforeAll(async () => {
      const { app, deps } = await createApp();
      const server = await listen(app);
      document = (await (await fetch(`${server.url}/openapi.json`)).json()) as Record<string, unknown>;
      await server.close();
      routes = options.routes(deps);
      await deps.close();
    });

    it('passes redocly lint with the recommended rules and the project config', async () => {
      const result = await lintOpenApi(document, service);

      const problems = result.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location?.[0]?.pointer ?? ''})`);
      expect(problems).toEqual([]);
      expect(result.totals).toMatchObject({ errors: 0, warnings: 0 });
    });

    it('documents every route the app has, and only those', async () => {
      const { app, deps } = await createApp();

      const appRoutes = expressRoutes(app).filter((route) => !DOCS_FILES.includes(route));
      await deps.close();

      expect(openApiRoutes(document)).toEqual(appRoutes);
    });

    it('gives every operation an id, its security, the shared answers and headers, and examples', () => {
      expect(documentProblems(document)).toEqual([]);
    });

    it('answers each operation, its example and hostile requests only with statuses it documents', async () => {
      const { app, deps } = await createApp();
      const server = await listen(app);

      const problems = await undocumentedAnswers(document, server.url, bearer('admin'));
      await server.close();
      await deps.close();

      expect(problems).toEqual([]);
    });

    it('has examples that the zod schemas of the routes accept', () => {
      expect(routes.length).toBeGreaterThan(0);
      expect(exampleProblems(routes)).toEqual([]);
    });
  });
}
