import { createTokenService } from '@order-system/platform';
import { bearer, HOSTILE_RAW_BODIES, TEST_JWT_SECRET } from '@order-system/testing';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProductConfig } from '../src/config.js';
import { createTestProductApp, type TestProductApp } from './product-app.js';

let t: TestProductApp;
const tokens = createTokenService(TEST_JWT_SECRET);

beforeAll(async () => {
  t = await createTestProductApp();
});

const login = (body: unknown) =>
  request(t.app)
    .post('/api/token/')
    .send(body as object);

describe('admin tokens', () => {
  it('when the credentials are right, then an access and a refresh token come back, and the access token creates products', async () => {
    const res = await login({ username: 'admin', password: 'correct-horse-battery' });
    expect(res.status).toBe(200);
    expect(tokens.verify(res.body.access, 'access')).toMatchObject({ sub: 'admin', role: 'admin', typ: 'access' });
    const claims = tokens.verify(res.body.refresh, 'refresh');
    expect(claims.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(23 * 3600);
    const created = await request(t.app)
      .post('/api/products/')
      .set('Authorization', `Bearer ${res.body.access}`)
      .send({ name: 'A', price: '1.00', stock: 1 });
    expect(created.status).toBe(201);
  });

  it.each([
    ['a wrong password', { username: 'admin', password: 'wrong-password' }],
    ['a wrong username', { username: 'root', password: 'correct-horse-battery' }],
    ['a password that is a prefix', { username: 'admin', password: 'correct-horse' }],
  ])('when %s is sent, then 401', async (_case, body) => {
    const res = await login(body);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
  });

  it.each([
    ['no password', { username: 'admin' }],
    ['a numeric password', { username: 'admin', password: 123 }],
    ['an array', ['admin']],
  ])('when the body has %s, then 400', async (_case, body) => {
    expect((await login(body)).status).toBe(400);
  });

  it.each(Object.entries(HOSTILE_RAW_BODIES))('when the body is %s, then 400', async (_case, raw) => {
    const res = await request(t.app).post('/api/token/').set('Content-Type', 'application/json').send(raw);
    expect(res.status).toBe(400);
  });

  it('when a refresh token is exchanged, then a new access token comes back', async () => {
    const { body } = await login({ username: 'admin', password: 'correct-horse-battery' });
    const res = await request(t.app).post('/api/token/refresh/').send({ refresh: body.refresh });
    expect(res.status).toBe(200);
    expect(tokens.verify(res.body.access, 'access').role).toBe('admin');
  });

  it('when an access token is used as a refresh token, or a refresh token as access, then 401', async () => {
    const { body } = await login({ username: 'admin', password: 'correct-horse-battery' });
    expect((await request(t.app).post('/api/token/refresh').send({ refresh: body.access })).status).toBe(401);
    const asAccess = await request(t.app)
      .post('/api/products/')
      .set('Authorization', `Bearer ${body.refresh}`)
      .send({ name: 'A', price: '1.00', stock: 1 });
    expect(asAccess.status).toBe(401);
  });

  it('when the refresh token is garbage or missing, then 401 or 400', async () => {
    expect((await request(t.app).post('/api/token/refresh/').send({ refresh: 'x.y.z' })).status).toBe(401);
    expect((await request(t.app).post('/api/token/refresh/').send({})).status).toBe(400);
  });

  it('when a customer token is presented to the token endpoint, then it is simply not needed', async () => {
    const res = await request(t.app)
      .post('/api/token/')
      .set('Authorization', bearer('customer'))
      .send({ username: 'admin', password: 'correct-horse-battery' });
    expect(res.status).toBe(200);
  });
});

describe('configuration', () => {
  it('when NODE_ENV=production keeps the example secret or password, then the service refuses to start', () => {
    expect(() => loadProductConfig({ NODE_ENV: 'production', ADMIN_PASSWORD: 'a-strong-password-1' })).toThrow(/JWT_SECRET/);
    expect(() => loadProductConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-with-length' })).toThrow(/ADMIN_PASSWORD/);
    expect(() =>
      loadProductConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-with-length', ADMIN_PASSWORD: 'a-strong-password-1' }),
    ).not.toThrow();
  });

  it('when several variables are bad, then the error names every one', () => {
    expect(() => loadProductConfig({ PORT: 'eighty', JWT_SECRET: 'short', LOG_LEVEL: 'loud' })).toThrow(
      /PORT[\s\S]*JWT_SECRET|JWT_SECRET[\s\S]*PORT/,
    );
    try {
      loadProductConfig({ PORT: 'eighty', JWT_SECRET: 'short', LOG_LEVEL: 'loud' });
    } catch (err) {
      expect((err as Error).message).toContain('LOG_LEVEL');
      expect((err as Error).message).toContain('PORT');
      expect((err as Error).message).toContain('JWT_SECRET');
    }
  });
});
