import { z } from 'zod';
import type { OperationSpec } from './openapi.js';

const healthJson = z.object({ status: z.literal('ok'), service: z.string() });
const readyJson = z.object({
  status: z.enum(['ready', 'unavailable']),
  service: z.string(),
  checks: z.record(z.string(), z.enum(['ok', 'unavailable'])),
});
const metricsText = z.string().meta({ description: 'Prometheus text exposition format' });
const openApiJson = z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document' });
const docsHtml = z.string().meta({ description: 'The Swagger UI page' });

/** The schemas of the routes every service has, registered in every document. */
export const COMMON_SCHEMAS = {
  Health: healthJson,
  Readiness: readyJson,
  Metrics: metricsText,
  OpenApiDocument: openApiJson,
  DocsPage: docsHtml,
};

/** What a service's GET /ready reports: the names of its checks. */
export interface ReadyExample {
  checks: string[];
}

/** The routes createServiceApp mounts on every service (and /metrics). */
export function commonPaths(service: string, ready: ReadyExample): Record<string, { get: OperationSpec }> {
  const checks = (state: (name: string, index: number) => 'ok' | 'unavailable') =>
    Object.fromEntries(ready.checks.map((name, index) => [name, state(name, index)]));
  return {
    '/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Liveness: the process is up',
        access: { public: true },
        responses: { 200: { description: 'up', schema: healthJson, example: { status: 'ok', service } } },
      },
    },
    '/ready': {
      get: {
        operationId: 'getReadiness',
        summary: 'Readiness: 200 when the database answers, else 503; `checks` reports each dependency',
        access: { public: true },
        responses: {
          200: {
            description: 'ready',
            schema: readyJson,
            example: { status: 'ready', service, checks: checks(() => 'ok') },
          },
          503: {
            description: 'the database does not answer',
            schema: readyJson,
            example: { status: 'unavailable', service, checks: checks((_name, index) => (index === 0 ? 'unavailable' : 'ok')) },
          },
        },
      },
    },
    '/metrics': {
      get: {
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
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This OpenAPI 3.1 document',
        access: { public: true },
        responses: {
          200: { description: 'the document', schema: openApiJson, example: { openapi: '3.1.0', info: { title: `${service} service` } } },
        },
      },
    },
    '/docs': {
      get: {
        operationId: 'getDocs',
        summary: 'Interactive docs (Swagger UI) of this document, with Try it out and bearer authentication',
        access: { public: true },
        responses: {
          200: { description: 'the Swagger UI page', schema: docsHtml, contentType: 'text/html', example: '<!doctype html>…' },
        },
      },
    },
  };
}
