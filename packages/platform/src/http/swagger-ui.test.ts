import { Script } from 'node:vm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createServiceApp } from './create-app.js';

const app = createServiceApp({
  service: 'demo',
  logger: createLogger({ service: 'demo', level: 'silent' }),
  readiness: async () => ({ ready: true, checks: { database: 'ok' } }),
  api: {
    title: 'Demo service',
    description: 'A service with no routes of its own',
    port: 8009,
    ready: { checks: ['database'] },
    routes: [],
  },
});

const attributes = (html: string, name: 'src' | 'href') =>
  [...html.matchAll(new RegExp(`${name}="([^"]+)"`, 'g'))].map((m) => m[1] as string);

describe('Swagger UI at /docs', () => {
  it('serves a page without inline scripts, so it works under script-src self', async () => {
    const res = await request(app).get('/docs');

    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    const scripts = [...res.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(2);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/docs\//);
      expect(body?.trim()).toBe('');
    }
    expect(res.text).not.toMatch(/<style|\sstyle="|\son[a-z]+="/);
  });

  it('answers /docs/ like /docs', async () => {
    const res = await request(app).get('/docs/');

    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui-bundle.js');
  });

  it('serves every file the page names from node_modules, with its type', async () => {
    const page = (await request(app).get('/docs')).text;
    const files = [...attributes(page, 'src'), ...attributes(page, 'href')];
    expect(files).toEqual(
      expect.arrayContaining([
        '/docs/swagger-ui-bundle.js',
        '/docs/swagger-initializer.js',
        '/docs/swagger-ui.css',
        '/docs/favicon-32x32.png',
      ]),
    );

    for (const file of files) {
      const res = await request(app).get(file);
      expect(res.status, file).toBe(200);
      const expected = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'image/png';
      expect(res.headers['content-type'], file).toContain(expected);
    }
    const bundle = await request(app).get('/docs/swagger-ui-bundle.js');
    expect(bundle.text.length).toBeGreaterThan(500_000);
  });

  it('initializes Swagger UI from /openapi.json with this server first', async () => {
    const res = await request(app).get('/docs/swagger-initializer.js');

    expect(() => new Script(res.text)).not.toThrow();
    expect(res.text).toContain('fetch("/openapi.json")');
    expect(res.text).toContain('SwaggerUIBundle(');
    expect(res.text).toContain('window.location.origin');
  });

  it('serves nothing else of the Swagger UI package (not its demo page)', async () => {
    for (const path of [
      '/docs/index.html',
      '/docs/swagger-ui.js.map',
      '/docs/package.json',
      '/docs/%2e%2e/package.json',
      '/docs//etc/passwd',
    ]) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.code, path).toBe('route_not_found');
    }
  });

  it('serves the document it renders at /openapi.json', async () => {
    const res = await request(app).get('/openapi.json');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ openapi: '3.1.0', info: { title: 'Demo service' } });
    expect(Object.keys(res.body.paths)).toEqual(['/health', '/ready', '/metrics', '/openapi.json', '/docs']);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
