import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ConflictError, ServiceUnavailableError } from '../errors.js';
import { createServiceApp } from './create-app.js';

/** An app with routes that fail in each way, whose logger keeps every line the error middleware writes. */
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
  routes.get('/api/upstream-down/', () => {
    throw new ServiceUnavailableError('payment_service_unavailable', 'Payment service unavailable', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:8002'),
    });
  });
  routes.get('/api/conflict/', () => {
    throw new ConflictError('out_of_stock', 'Product 3 is out of stock');
  });
  routes.get('/api/broken/', () => {
    throw new TypeError('Cannot read properties of undefined');
  });
  const app = createServiceApp({ service: 'test', logger, readiness: async () => ({ ready: true, checks: {} }), routes, openapi: {} });
  /** The error middleware's line for the request (not the request log's own line). */
  const lineOf = (requestId: string) => lines.find((line) => line.request_id === requestId && !('res' in line));
  return { app, lineOf };
}

describe('how the error middleware logs a failure', () => {
  it('when a foreseen 5xx is answered (an upstream down), then a warn line with its code, message and cause, without a stack', async () => {
    const { app, lineOf } = appWithLog();

    const res = await request(app).get('/api/upstream-down/').set('X-Request-Id', 'down-1');

    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'Payment service unavailable', code: 'payment_service_unavailable' });
    const line = lineOf('down-1');
    expect(line).toMatchObject({
      level: 'warn',
      msg: 'Payment service unavailable',
      code: 'payment_service_unavailable',
      status: 503,
      cause: 'connect ECONNREFUSED 127.0.0.1:8002',
    });
    expect(line).not.toHaveProperty('err');
    expect(JSON.stringify(line)).not.toContain('    at ');
  });

  it('when an unknown error becomes the generic 500, then an error line with the error and its stack', async () => {
    const { app, lineOf } = appWithLog();

    const res = await request(app).get('/api/broken/').set('X-Request-Id', 'broken-1');

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Internal server error', code: 'internal_error' });
    const line = lineOf('broken-1');
    expect(line).toMatchObject({
      level: 'error',
      msg: 'request failed',
      err: { type: 'TypeError', message: 'Cannot read properties of undefined' },
    });
    expect((line?.err as { stack?: string } | undefined)?.stack).toContain('    at ');
  });

  it('when a 4xx is answered, then an info line with its code', async () => {
    const { app, lineOf } = appWithLog();

    await request(app).get('/api/conflict/').set('X-Request-Id', 'conflict-1').expect(409);

    expect(lineOf('conflict-1')).toMatchObject({ level: 'info', msg: 'Product 3 is out of stock', code: 'out_of_stock', status: 409 });
  });
});
