import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createServiceApp } from './create-app.js';

/** An app whose logger (level debug) keeps every line it writes. */
function appWithLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'debug', formatters: { level: (label) => ({ level: label }) } }, sink);
  const routes = express.Router();
  routes.get('/api/things/', (_req, res) => {
    res.json([]);
  });
  routes.get('/api/broken/', () => {
    throw new Error('boom');
  });
  const app = createServiceApp({
    service: 'test',
    logger,
    readiness: async () => ({ ready: false, checks: { database: 'unavailable' } }),
    routes,
    openapi: {},
  });
  const levelOf = (url: string) =>
    lines.find((line) => (line.req as { url?: string } | undefined)?.url === url && String(line.msg).startsWith('request '))?.level;
  return { app, levelOf, lines };
}

describe('request log levels', () => {
  it('when a probe polls /health, /ready or /metrics, then its line is at debug, so an info log does not show it', async () => {
    const { app, levelOf } = appWithLog();
    await request(app).get('/health').expect(200);
    await request(app).get('/health?probe=1').expect(200);
    await request(app).get('/metrics');

    expect(levelOf('/health')).toBe('debug');
    expect(levelOf('/health?probe=1')).toBe('debug');
    expect(levelOf('/metrics')).toBe('debug');
  });

  it('when a readiness probe gets 503, then its line is a warning like any 5xx answered on purpose, with no made-up error', async () => {
    const { app, levelOf, lines } = appWithLog();
    await request(app).get('/ready').expect(503);

    expect(levelOf('/ready')).toBe('warn');
    const line = lines.find((l) => (l.req as { url?: string } | undefined)?.url === '/ready');
    expect(line).toMatchObject({ res: { status: 503 } });
    expect(line?.err).toBeUndefined();
  });

  it('when people or services call the API, then their requests stay at info, and unforeseen failures at error', async () => {
    const { app, levelOf } = appWithLog();
    await request(app).get('/api/things/').expect(200);
    await request(app).get('/api/nothing/').expect(404);
    await request(app).get('/api/broken/').expect(500);

    expect(levelOf('/api/things/')).toBe('info');
    expect(levelOf('/api/nothing/')).toBe('info');
    expect(levelOf('/api/broken/')).toBe('error');
  });
});

describe('request log lines', () => {
  it('when a request carries a token and a cookie, then its line has the method, URL, status and request id, and no header', async () => {
    const { app, lines } = appWithLog();
    await request(app)
      .get('/api/things/?limit=5')
      .set('Authorization', 'Bearer secret-token-value')
      .set('Cookie', 'session=secret-cookie-value')
      .set('X-Request-Id', 'req-42')
      .expect(200);

    const line = lines.find((l) => String(l.msg).startsWith('request '));
    expect(line).toMatchObject({ req: { method: 'GET', url: '/api/things/?limit=5' }, res: { status: 200 }, request_id: 'req-42' });
    expect(Object.keys(line?.req as object).sort()).toEqual(['method', 'url']);
    expect(JSON.stringify(lines)).not.toMatch(/secret-(token|cookie)-value/);
  });

  it('when a request fails with a 500, then its line has the error and still no header', async () => {
    const { app, lines } = appWithLog();
    await request(app).get('/api/broken/').set('Authorization', 'Bearer secret-token-value').expect(500);

    const line = lines.find((l) => l.res !== undefined);
    expect(line).toMatchObject({ req: { method: 'GET', url: '/api/broken/' }, res: { status: 500 } });
    expect(JSON.stringify(lines)).not.toMatch(/secret-token-value/);
  });
});
