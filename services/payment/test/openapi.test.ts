import { exampleProblems } from '@order-system/platform';
import { bearer, documentProblems, expressRoutes, lintOpenApi, listen, openApiRoutes, undocumentedAnswers } from '@order-system/testing';
import { describe, expect, it } from 'vitest';
import { paymentApi, paymentOpenApi } from '../src/openapi.js';
import { createTestPaymentApp } from './payment-app.js';

/** A file of the /docs page, served beside Swagger UI's own assets: not an API route. */
const DOCS_FILES = ['GET /docs/swagger-initializer.js'];

describe('the payment service OpenAPI document', () => {
  it('passes redocly lint with the recommended rules and the project config', async () => {
    const result = await lintOpenApi(paymentOpenApi, 'payment');

    const problems = result.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location?.[0]?.pointer ?? ''})`);
    expect(problems).toEqual([]);
    expect(result.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('documents every route the app has, and only those', async () => {
    const { app, deps } = await createTestPaymentApp();

    const routes = expressRoutes(app).filter((route) => !DOCS_FILES.includes(route));
    await deps.close();

    expect(openApiRoutes(paymentOpenApi)).toEqual(routes);
  });

  it('gives every operation an id, its security, the shared answers and headers, and examples', () => {
    expect(documentProblems(paymentOpenApi)).toEqual([]);
  });

  it('answers each operation, its example and hostile requests only with statuses it documents', async () => {
    const { app, deps } = await createTestPaymentApp();
    const server = await listen(app);

    const problems = await undocumentedAnswers(paymentOpenApi, server.url, bearer('admin'));
    await server.close();
    await deps.close();

    expect(problems).toEqual([]);
  });

  it('has examples that the zod schemas of the routes accept', () => {
    expect(exampleProblems(paymentApi)).toEqual([]);
  });
});
