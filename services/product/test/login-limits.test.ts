import http from 'node:http';
import { type Listening, listen } from '@order-system/testing';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestProductApp, ADMIN_PASSWORD as PASSWORD, type TestProductApp } from './product-app.js';

// The limits of docs/CONTRACT.md, written out: changing one must fail here.
const PER_USERNAME = 10;
const PER_ADDRESS = 30;

// POST /api/token/ and /api/token/refresh/ are always limited: failed attempts are counted per
// client address and per username; a login that succeeds is not counted, so correct logins are
// never slowed down, however many and however concurrent.
let t: TestProductApp;
beforeEach(async () => {
  t = await createTestProductApp();
});

const login = (username: string, password: string) => request(t.app).post('/api/token/').send({ username, password });

function expectLimited(res: { status: number; body: unknown; headers: Record<string, string | string[] | undefined> }) {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ code: 'rate_limited', error: expect.any(String) });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
}

describe('POST /api/token/ per username', () => {
  it(`when ${PER_USERNAME} wrong passwords were tried for a username, then every further attempt, the right password too, is 429`, async () => {
    for (let i = 0; i < PER_USERNAME; i++) expect((await login('admin', `guess-${i}`)).status).toBe(401);

    expectLimited(await login('admin', 'guess-next'));
    // A correct password now must not tell the guesser it was right.
    expectLimited(await login('admin', PASSWORD));
  });

  it('when one username is limited, then another username from the same address is still answered', async () => {
    for (let i = 0; i < PER_USERNAME; i++) await login('admin', `guess-${i}`);

    const other = await login('someone-else', 'whatever');

    expect(other.status).toBe(401);
  });

  it('when the same wrong password is sent 300 times at once, then at most the limit is checked and the rest is 429', async () => {
    const answers = await Promise.all(Array.from({ length: 300 }, () => login('admin', 'hunter22')));

    expect(answers.filter((res) => res.status === 401)).toHaveLength(PER_USERNAME);
    expect(answers.filter((res) => res.status === 429)).toHaveLength(300 - PER_USERNAME);
  });
});

describe('POST /api/token/ per client address', () => {
  let server: Listening;
  beforeEach(async () => {
    server = await listen(t.app);
  });
  afterEach(() => server.close());

  const loginFrom = (localAddress: string, username: string) =>
    new Promise<{ status: number; body: unknown; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const body = JSON.stringify({ username, password: 'wrong-password' });
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          localAddress,
          method: 'POST',
          path: '/api/token/',
          headers: { 'Content-Type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it(`when an address failed ${PER_ADDRESS} times with different usernames, then it is 429, and another address is not`, async () => {
    for (let i = 0; i < PER_ADDRESS; i++) expect((await loginFrom('127.0.0.2', `user-${i}`)).status).toBe(401);

    expectLimited(await loginFrom('127.0.0.2', 'a-fresh-username'));
    expect((await loginFrom('127.0.0.3', 'a-fresh-username')).status).toBe(401);
  });
});

describe('correct logins', () => {
  it('when 200 correct logins come one after another and 100 at once, then none is limited, and the failures still have their full allowance', async () => {
    for (let i = 0; i < 200; i++) expect((await login('admin', PASSWORD)).status).toBe(200);
    const concurrent = await Promise.all(Array.from({ length: 100 }, () => login('admin', PASSWORD)));
    expect(concurrent.map((res) => res.status)).toEqual(Array.from({ length: 100 }, () => 200));

    for (let i = 0; i < PER_USERNAME; i++) expect((await login('admin', `guess-${i}`)).status).toBe(401);
    expectLimited(await login('admin', 'guess-next'));
  });
});

describe('POST /api/token/refresh/', () => {
  it(`when ${PER_ADDRESS} invalid refresh tokens were sent, then 429; valid refreshes before that were never counted`, async () => {
    const { refresh } = (await login('admin', PASSWORD)).body as { refresh: string };
    for (let i = 0; i < 100; i++) expect((await request(t.app).post('/api/token/refresh/').send({ refresh })).status).toBe(200);

    for (let i = 0; i < PER_ADDRESS; i++)
      expect(
        (
          await request(t.app)
            .post('/api/token/refresh/')
            .send({ refresh: `x.y.${i}` })
        ).status,
      ).toBe(401);

    expectLimited(await request(t.app).post('/api/token/refresh/').send({ refresh }));
  });
});

describe('TRUST_PROXY (whose X-Forwarded-For names the client)', () => {
  const loginVia = (app: TestProductApp['app'], forwardedFor: string, username: string) =>
    request(app).post('/api/token/').set('X-Forwarded-For', forwardedFor).send({ username, password: 'wrong-password' });

  it('when it is not set, then X-Forwarded-For is ignored: an address that names a new client with every attempt is still limited', async () => {
    for (let i = 0; i < PER_ADDRESS; i++) expect((await loginVia(t.app, `203.0.113.${i}`, `user-${i}`)).status).toBe(401);

    expectLimited(await loginVia(t.app, '198.51.100.7', 'a-fresh-username'));
  });

  it('when it is loopback, then the clients a local proxy forwards are counted each on its own', async () => {
    const behindProxy = await createTestProductApp({ TRUST_PROXY: 'loopback' });
    for (let i = 0; i < PER_ADDRESS; i++) expect((await loginVia(behindProxy.app, '203.0.113.1', `user-${i}`)).status).toBe(401);

    expectLimited(await loginVia(behindProxy.app, '203.0.113.1', 'a-fresh-username'));
    expect((await loginVia(behindProxy.app, '203.0.113.2', 'a-fresh-username')).status).toBe(401);
    await behindProxy.deps.close();
  });

  it('when it is 1 (one load balancer), then the address the balancer saw counts, not one the client wrote before it', async () => {
    const behindProxy = await createTestProductApp({ TRUST_PROXY: '1' });
    // The client wrote "10.0.0.<i>"; the balancer appended the address it really came from.
    for (let i = 0; i < PER_ADDRESS; i++)
      expect((await loginVia(behindProxy.app, `10.0.0.${i}, 203.0.113.1`, `user-${i}`)).status).toBe(401);

    expectLimited(await loginVia(behindProxy.app, '10.9.9.9, 203.0.113.1', 'a-fresh-username'));
    await behindProxy.deps.close();
  });

  it.each(['true', 'not-an-address', '10.0.0.0/99'])('when it is %j, then the service refuses to start', async (value) => {
    await expect(createTestProductApp({ TRUST_PROXY: value })).rejects.toThrow(/TRUST_PROXY/);
  });
});
