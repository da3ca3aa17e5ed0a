import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Express } from 'express';
import { REPO_ROOT } from './process.js';
import { tempDir } from './temp-db.js';

const REDOCLY_CLI = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location?: { pointer?: string }[];
}

export interface LintResult {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

/**
 * Lints an OpenAPI document with Redocly's CLI and the project's redocly.yaml (the recommended
 * rules, with the exceptions that file explains), as `npx redocly lint` would.
 */
export async function lintOpenApi(document: object, name = 'openapi'): Promise<LintResult> {
  const file = join(tempDir(), `${name}.json`);
  writeFileSync(file, JSON.stringify(document, null, 2));
  const args = [REDOCLY_CLI, 'lint', file, '--config', join(REPO_ROOT, 'redocly.yaml'), '--format', 'json'];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  // The CLI exits 1 when it finds errors; the JSON report on stdout says which.
  const { stdout } = await promisify(execFile)(process.execPath, args, { env, maxBuffer: 16 * 1024 * 1024 }).catch(
    (err: { stdout?: string; stderr?: string }) => {
      if (err.stdout?.trim().startsWith('{')) return { stdout: err.stdout };
      throw new Error(`redocly lint failed to run: ${err.stderr ?? String(err)}`);
    },
  );
  return JSON.parse(stdout) as LintResult;
}

/** `METHOD /path` with every path parameter written `{}` and no trailing slash: one route, whatever its spelling. */
function routeKey(method: string, path: string): string {
  const normal = path
    .replace(/:\w+/g, '{}')
    .replace(/\{\w+\}/g, '{}')
    .replace(/\/+$/, '');
  return `${method.toUpperCase()} ${normal === '' ? '/' : normal}`;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
}

/** Every method and path an Express 5 app has a route for, walking its router stack and mounted routers. */
export function expressRoutes(app: Express): string[] {
  const routes = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          // OPTIONS (204 with Allow) and the 405 for other methods are every path's, described once in the document.
          if (method !== '_all' && method !== 'options') routes.add(routeKey(method, prefix + layer.route.path));
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...routes].sort();
}

/** Every method and path an OpenAPI document has an operation for, in the form of expressRoutes. */
export function openApiRoutes(document: { paths?: Record<string, Record<string, unknown>> }): string[] {
  const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
  const routes: string[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of Object.keys(item)) if (methods.has(method)) routes.push(routeKey(method, path));
  }
  return routes.sort();
}

type Json = Record<string, unknown>;

/**
 * What a document lacks that this project's documents must have: an operationId (unique), a
 * `security`, the X-Request-Id parameter, the shared answers (405 and 500; on /api routes also 400,
 * 401, 429 and 503, whose examples include database_unavailable), an X-Request-Id header on every answer (the HTTP server's own 408 and 431 too) and
 * an example for every body; and no `$schema` anywhere. What it must not have: a request header
 * with an example or a default (Swagger UI's Try it out would send that value with every try: one
 * Idempotency-Key for every order), and a list as a component schema (Swagger UI shows a component
 * that is an array of references as `array<any>`; lists are written inline where they are answered).
 * Empty when all is well.
 */
export function documentProblems(document: Json): string[] {
  const problems: string[] = [];
  const components = (document.components ?? {}) as Record<string, Record<string, Json>>;
  const resolve = (value: Json): Json => {
    const ref = value.$ref;
    if (typeof ref !== 'string') return value;
    const [, , kind = '', name = ''] = ref.split('/');
    return components[kind]?.[name] ?? {};
  };
  if (JSON.stringify(document).includes('"$schema"')) problems.push('a schema embeds $schema');
  for (const [name, schema] of Object.entries(components.schemas ?? {})) {
    if (schema.type === 'array') problems.push(`components.schemas.${name} is a list (Swagger UI shows it as array<any>)`);
  }
  const ids = new Set<string>();
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      const id = op.operationId;
      if (typeof id !== 'string') problems.push(`${where}: no operationId`);
      else if (ids.has(id)) problems.push(`${where}: operationId ${id} is used twice`);
      else ids.add(id);
      if (!Array.isArray(op.security)) problems.push(`${where}: no security`);
      const parameters = ((op.parameters ?? []) as Json[]).map(resolve);
      if (!parameters.some((p) => p.name === 'X-Request-Id' && p.in === 'header')) problems.push(`${where}: no X-Request-Id parameter`);
      for (const p of parameters.filter((p) => p.in === 'header')) {
        const schema = (p.schema ?? {}) as Json;
        if (p.example !== undefined || p.examples !== undefined || schema.example !== undefined || schema.examples !== undefined) {
          problems.push(`${where}: header ${String(p.name)} has an example (Try it out would send it)`);
        }
        if (schema.default !== undefined) problems.push(`${where}: header ${String(p.name)} has a default`);
      }
      const body = op.requestBody as Json | undefined;
      for (const [type, media] of Object.entries((body?.content ?? {}) as Record<string, Json>)) {
        if (media.example === undefined && media.examples === undefined) problems.push(`${where} request body ${type}: no example`);
      }
      const responses = (op.responses ?? {}) as Record<string, Json>;
      const shared = path.startsWith('/api/') ? ['400', '401', '405', '429', '500', '503'] : ['405', '500'];
      for (const status of shared) if (!responses[status]) problems.push(`${where}: no ${status} answer`);
      // A route's own 503 (a neighbour down) replaces the shared one, so it must name database_unavailable too.
      if (path.startsWith('/api/') && responses['503'] && !JSON.stringify(resolve(responses['503'])).includes('"database_unavailable"')) {
        problems.push(`${where} 503: no database_unavailable example`);
      }
      for (const [status, raw] of Object.entries(responses)) {
        const response = resolve(raw);
        const headers = (response.headers ?? {}) as Json;
        if (!headers['X-Request-Id']) problems.push(`${where} ${status}: no X-Request-Id header`);
        if (/without X-Request-Id/i.test(String(response.description))) problems.push(`${where} ${status}: says it has no X-Request-Id`);
        for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, Json>)) {
          if (media.example === undefined && media.examples === undefined) problems.push(`${where} ${status} ${type}: no example`);
        }
      }
    }
  }
  return problems;
}
