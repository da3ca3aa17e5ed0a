import type { RequestHandler } from 'express';
import { z } from 'zod';
import { type AnyRouteSpec, route } from './route-spec.js';

const healthJson = z.object({ status: z.literal('ok'), service: z.string() }).meta({ id: 'Health' });
const readyJson = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    service: z.string(),
    checks: z.record(z.string(), z.enum(['ok', 'unavailable'])),
  })
  .meta({ id: 'Readiness' });
const metricsText = z.string().meta({ id: 'Metrics', description: 'Prometheus text exposition format' });
const openApiJson = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document' });
const docsHtml = z.string().meta({ id: 'DocsPage', description: 'The Swagger UI page' });

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'unavailable'>;
}

/** What a service's GET /ready reports: the names of its checks. */
export interface ReadyChecks {
  checks: string[];
}

/** What the routes every service shares serve. */
export interface CommonRouteSources {
  readiness: () => Promise<ReadinessReport>;
  metrics: RequestHandler;
  /** The OpenAPI document, serialized once. */
  openApiJson: () => string;
  docsPage: string;
}

/** /health, /ready, /metrics, /openapi.json and /docs: the same on every service, declared as routes like the service's own. */
export function commonRoutes(service: string, ready: ReadyChecks, serve: CommonRouteSources): AnyRouteSpec[] {
  const checks = (state: (index: number) => 'ok' | 'unavailable') =>
    Object.fromEntries(ready.checks.map((name, index) => [name, state(index)]));
  return [
    route({
      method: 'get',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Liveness: the process is up',
      access: { public: true },
      responses: { 200: { description: 'up', schema: healthJson, example: { status: 'ok', service } } },
      handler: (_input, _req, res) => {
        res.json({ status: 'ok', service });
      },
    }),
    route({
      method: 'get',
      path: '/ready',
      operationId: 'getReadiness',
      summary: 'Readiness: 200 when the database answers, else 503; `checks` reports each dependency',
      access: { public: true },
      responses: {
        200: { description: 'ready', schema: readyJson, example: { status: 'ready', service, checks: checks(() => 'ok') } },
        503: {
          description: 'the database does not answer',
          schema: readyJson,
          example: { status: 'unavailable', service, checks: checks((index) => (index === 0 ? 'unavailable' : 'ok')) },
        },
      },
      handler: async (_input, _req, res) => {
        const report = await serve.readiness();
        res.status(report.ready ? 200 : 503).json({
          status: report.ready ? 'ready' : 'unavailable',
          service,
          checks: report.checks,
        });
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: 'Prometheus metrics: process, request durations by route template and status, and the service’s own counters',
      access: { public: true },
      responses: {
        200: {
          description: 'metrics in the Prometheus text format',
          schema: metricsText,
          contentType: 'text/plain',
          example:
            '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n' +
            '# TYPE process_cpu_seconds_total counter\n' +
            'process_cpu_seconds_total 1.92\n' +
            '# HELP http_request_duration_seconds Request durations by method, route template and status\n' +
            '# TYPE http_request_duration_seconds histogram\n' +
            'http_request_duration_seconds_count{method="GET",route="/health",status="200"} 3\n',
        },
      },
      handler: (_input, req, res) => serve.metrics(req, res, () => undefined),
    }),
    route({
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApi',
      summary: 'This OpenAPI 3.1 document',
      access: { public: true },
      responses: {
        200: { description: 'the document', schema: openApiJson, example: { openapi: '3.1.0', info: { title: `${service} service` } } },
      },
      handler: (_input, _req, res) => {
        res.type('json').send(serve.openApiJson());
      },
    }),
    route({
      method: 'get',
      path: '/docs',
      operationId: 'getDocs',
      summary: 'Interactive docs (Swagger UI) of this document, with Try it out and bearer authentication',
      access: { public: true },
      responses: {
        200: { description: 'the Swagger UI page', schema: docsHtml, contentType: 'text/html', example: '<!doctype html>…' },
      },
      handler: (_input, _req, res) => {
        res.type('html').send(serve.docsPage);
      },
    }),
  ];
}
