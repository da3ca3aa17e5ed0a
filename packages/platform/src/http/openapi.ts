import { z } from 'zod';

export interface OperationSpec {
  summary: string;
  auth?: string;
  body?: z.ZodType;
  response?: z.ZodType;
  responses: Record<number, string>;
  query?: Record<string, string>;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

const errorSchema = {
  type: 'object',
  required: ['error', 'code'],
  properties: {
    error: { type: 'string' },
    code: { type: 'string' },
    details: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  },
};

function jsonSchema(schema: z.ZodType): object {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

/**
 * Builds an OpenAPI 3.1 document from the same zod schemas the routes parse with, so the
 * document cannot drift from what the service accepts.
 */
export function buildOpenApi(title: string, description: string, paths: Record<string, Partial<Record<Method, OperationSpec>>>): object {
  const outPaths: Record<string, Record<string, object>> = {};
  for (const [path, operations] of Object.entries(paths)) {
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const item: Record<string, object> = {};
    for (const [method, op] of Object.entries(operations) as [Method, OperationSpec][]) {
      const responses: Record<string, object> = {};
      for (const [status, text] of Object.entries(op.responses)) {
        const ok = Number(status) < 300;
        const schema = ok ? (op.response ? jsonSchema(op.response) : undefined) : errorSchema;
        responses[status] = schema ? { description: text, content: { 'application/json': { schema } } } : { description: text };
      }
      item[method] = {
        summary: op.summary,
        ...(op.auth ? { description: `Requires a bearer token: ${op.auth}.`, security: [{ bearer: [] }] } : {}),
        parameters: [
          ...parameters,
          ...Object.entries(op.query ?? {}).map(([name, text]) => ({
            name,
            in: 'query',
            required: false,
            description: text,
            schema: { type: 'string' },
          })),
        ],
        ...(op.body
          ? {
              requestBody: {
                // A body the route accepts when absent (e.g. a refund's or a cancellation's) is optional.
                required: !op.body.safeParse(undefined).success,
                content: { 'application/json': { schema: jsonSchema(op.body) } },
              },
            }
          : {}),
        responses,
      };
    }
    outPaths[path] = item;
  }
  return {
    openapi: '3.1.0',
    info: { title, version: '1.0.0', description },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths: outPaths,
  };
}
