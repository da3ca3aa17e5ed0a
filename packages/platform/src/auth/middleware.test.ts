import { bearer, TEST_JWT_SECRET } from '@order-system/testing';
import { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createServiceApp } from '../http/create-app.js';
import { route } from '../http/route-spec.js';
import { createLogger } from '../logger.js';
import { authenticate } from './middleware.js';
import { createTokenService, type TokenService } from './tokens.js';

/** The real token service, counting its verifications. */
function counting(): TokenService & { verified: number } {
  const tokens = createTokenService(TEST_JWT_SECRET);
  const counter = {
    verified: 0,
    sign: tokens.sign,
    verify: (token: string, type?: 'access' | 'refresh') => {
      counter.verified += 1;
      return tokens.verify(token, type);
    },
  };
  return counter;
}

const logger = createLogger({ service: 'demo', level: 'silent' });
const whoAmI = route({
  method: 'get',
  path: '/api/me/',
  operationId: 'me',
  summary: 'Me',
  access: { roles: ['service', 'admin'] },
  responses: { 200: { description: 'ok' } },
  handler: ({ auth }, _req, res) => {
    res.json({ sub: auth?.sub });
  },
});

function appWith(tokens: TokenService, rateLimit = 1) {
  return createServiceApp({
    service: 'demo',
    logger,
    readiness: async () => ({ ready: true, checks: {} }),
    api: { title: 'Demo', description: 'Demo', port: 8009, ready: { checks: [] }, routes: [whoAmI] },
    http: { CORS_ORIGINS: [], RATE_LIMIT_PER_MINUTE: rateLimit },
    tokens,
  });
}

describe('the token of a request', () => {
  it('when a rate-limited route is called with a service token, then the token is verified once, and the call is not limited', async () => {
    const tokens = counting();
    const app = appWith(tokens);
    const service = bearer('service');

    const answers = [
      await request(app).get('/api/me/').set('Authorization', service),
      await request(app).get('/api/me/').set('Authorization', service),
    ];

    expect(answers.map((res) => res.status)).toEqual([200, 200]);
    expect(tokens.verified).toBe(2);
  });

  it('when a service still mounts its own authenticate, then the token is still verified once per request', async () => {
    const tokens = counting();
    const routes = Router();
    routes.use(authenticate(tokens));
    routes.get('/api/legacy', (req, res) => {
      res.json({ sub: req.auth?.sub });
    });
    const app = createServiceApp({
      service: 'demo',
      logger,
      readiness: async () => ({ ready: true, checks: {} }),
      routes,
      openapi: {},
      tokens,
    });

    const res = await request(app).get('/api/legacy').set('Authorization', bearer('admin'));

    expect(res.body).toEqual({ sub: 'admin-1' });
    expect(tokens.verified).toBe(1);
  });

  it('when the token is bad, then the API answers 401 where the routes begin, the probes still answer, and the call counts against the limit', async () => {
    const app = appWith(counting(), 2);
    const bad = 'Bearer not-a-token';

    const health = await request(app).get('/health').set('Authorization', bad);
    const first = await request(app).get('/api/me/').set('Authorization', bad);
    const unknown = await request(app).get('/api/nowhere/').set('Authorization', bad);
    const third = await request(app).get('/api/me/').set('Authorization', bad);

    expect([health.status, first.status, unknown.status, third.status]).toEqual([200, 401, 401, 429]);
    expect(first.headers['www-authenticate']).toBe('Bearer');
  });
});
