import { hostileAuthHeaders, labelValues, parsePrometheusText, sampleSum } from '@order-system/testing';
import { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createServiceApp } from './create-app.js';
import { ServiceMetrics, UNMATCHED_ROUTE } from './metrics.js';
import { defineRoute } from './route.js';

const DURATION_COUNT = 'http_request_duration_seconds_count';

/** A real service app with one route whose answer the test picks through the id. */
function testApp(metrics = new ServiceMetrics()) {
  const routes = Router();
  defineRoute(routes, '/api/things/:id', {
    get: (req, res) => {
      if (req.params.id === 'missing') throw new NotFoundError('Thing not found', 'thing_not_found');
      res.json({ id: req.params.id });
    },
  });
  const app = createServiceApp({
    service: 'things',
    logger: createLogger({ service: 'things', level: 'silent' }),
    readiness: async () => ({ ready: true, checks: {} }),
    routes,
    openapi: {},
    metrics,
  });
  return { app, metrics };
}

async function scrape(app: ReturnType<typeof testApp>['app']) {
  const res = await request(app).get('/metrics');
  expect(res.status).toBe(200);
  return parsePrometheusText(res.text);
}

describe('GET /metrics', () => {
  it('when scraped, then it answers the Prometheus text format with the default process metrics', async () => {
    const { app } = testApp();
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(res.text);
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(families.get('process_resident_memory_bytes')?.type).toBe('gauge');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(families.get('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
    expect(families.get('http_request_duration_seconds')?.type).toBe('histogram');
  });

  it('when requests are answered, then each is timed once under its route template, method and status', async () => {
    const { app } = testApp();
    await request(app).get('/api/things/1').expect(200);
    await request(app).get('/api/things/2/').expect(200);
    await request(app).get('/api/things/missing').expect(404);
    await request(app).delete('/api/things/3').expect(405);

    const families = await scrape(app);
    const route = '/api/things/:id';
    expect(sampleSum(families, DURATION_COUNT, { route })).toBe(4);
    expect(sampleSum(families, DURATION_COUNT, { route, method: 'GET', status: '200' })).toBe(2);
    expect(sampleSum(families, DURATION_COUNT, { route, method: 'GET', status: '404' })).toBe(1);
    expect(sampleSum(families, DURATION_COUNT, { route, method: 'DELETE', status: '405' })).toBe(1);
    expect(labelValues(families, DURATION_COUNT, 'route')).not.toContain('/api/things/1');
    expect(sampleSum(families, 'http_request_duration_seconds_sum', { route })).toBeGreaterThan(0);
  });

  it('when a scanner tries many unknown paths, then they all share one route label value', async () => {
    const { app } = testApp();
    for (let i = 0; i < 50; i++) await request(app).get(`/wp-admin/${i}/setup.php?x=${i}`).expect(404);
    await request(app).post('/no/such/route').send({ a: 1 }).expect(404);

    const families = await scrape(app);
    expect(labelValues(families, DURATION_COUNT, 'route')).toEqual(new Set([UNMATCHED_ROUTE]));
    expect(sampleSum(families, DURATION_COUNT, { route: UNMATCHED_ROUTE })).toBe(51);
  });

  it('when scraped again, then the scrapes themselves are timed under /metrics', async () => {
    const { app } = testApp();
    await scrape(app);
    const families = await scrape(app);
    expect(sampleSum(families, DURATION_COUNT, { route: '/metrics', method: 'GET', status: '200' })).toBe(1);
  });

  it('when another method is used, then it answers 405 with the allowed ones', async () => {
    const { app } = testApp();
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const res = await request(app)[method]('/metrics').send({ a: 1 });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(res.body.code).toBe('method_not_allowed');
    }
  });

  it('when the request carries a hostile token or a junk query, then /metrics still answers: it needs no auth', async () => {
    const { app } = testApp();
    for (const authorization of Object.values(hostileAuthHeaders('admin'))) {
      const res = await request(app)
        .get(`/metrics?${'q'.repeat(2000)}=%00`)
        .set('Authorization', authorization);
      expect(res.status).toBe(200);
      parsePrometheusText(res.text);
    }
  });

  it('when two apps run in one process, then each counts only its own requests', async () => {
    const first = testApp();
    const second = testApp();
    await request(first.app).get('/api/things/1').expect(200);
    await request(first.app).get('/api/things/2').expect(200);

    expect(sampleSum(await scrape(first.app), DURATION_COUNT, { route: '/api/things/:id' })).toBe(2);
    expect(sampleSum(await scrape(second.app), DURATION_COUNT, { route: '/api/things/:id' })).toBe(0);
  });

  it('when the composition root makes a counter with known label sets, then they show at 0 until counted', async () => {
    const metrics = new ServiceMetrics();
    const jobs = metrics.counter('jobs_total', 'Jobs, by outcome', ['outcome'], [{ outcome: 'done' }, { outcome: 'failed' }]);
    const { app } = testApp(metrics);
    jobs.inc({ outcome: 'done' });

    const families = await scrape(app);
    expect(families.get('jobs_total')?.type).toBe('counter');
    expect(sampleSum(families, 'jobs_total', { outcome: 'done' })).toBe(1);
    expect(families.get('jobs_total')?.samples.find((s) => s.labels.outcome === 'failed')?.value).toBe(0);
  });
});
