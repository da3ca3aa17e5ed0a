import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { bearer, hostileAuthHeaders, rawRequest } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';

// What no ordinary client sends, sent over raw TCP to the three real services: broken or hostile
// bodies, thousands of headers, broken request lines, requests that never end. Every answer is
// the contract's JSON error, and none is logged as a failure of ours.
const TIMEOUT_MS = 1000;
let trio: Trio;
beforeAll(async () => {
  const env = { REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) };
  trio = await startTrio({ productEnv: env, paymentEnv: env, orderEnv: env });
});
afterAll(() => trio?.stop());

type Name = 'product' | 'payment' | 'order';
const SERVICES: Name[] = ['product', 'payment', 'order'];
const port = (name: Name) => trio[name].port;

/** A write route of each service that takes a JSON body, a body it reads, and what it answers to that body. */
const WRITES: Record<Name, { path: string; auth?: string; body: () => object; answer: { status: number; code?: string } }> = {
  product: {
    path: '/api/token/',
    body: () => ({ username: 'admin', password: 'not-the-password' }),
    answer: { status: 401, code: 'unauthorized' },
  },
  payment: {
    path: '/api/payments/',
    auth: bearer('service'),
    body: () => ({ order_id: crypto.randomUUID(), amount: '1.00' }),
    answer: { status: 201 },
  },
  order: {
    path: '/api/orders/',
    body: () => ({ customer_name: 'Raw', product_ids: [999_999] }),
    answer: { status: 400, code: 'product_not_found' },
  },
};

/** A route of each service that only an admin may call, and a body it accepts. */
const ADMIN_ONLY: Record<Name, { method: string; path: string; body?: object }> = {
  product: { method: 'POST', path: '/api/products/', body: { name: 'Twice', price: '1.00', stock: 1 } },
  payment: { method: 'POST', path: '/api/payments/', body: { order_id: '7f1c2c9e-5d4b-4a57-9a43-0d6c1f1f2a10', amount: '1.00' } },
  order: { method: 'GET', path: '/api/orders/' },
};

function httpRequest(method: string, path: string, headers: Record<string, string | number>, body: Buffer | string = ''): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  if (payload.length > 0 || method !== 'GET') lines.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}

const write = (name: Name, headers: Record<string, string>, body: Buffer | string) => {
  const route = WRITES[name];
  return rawRequest(
    port(name),
    httpRequest(
      'POST',
      route.path,
      { 'Content-Type': 'application/json', ...(route.auth ? { Authorization: route.auth } : {}), ...headers },
      body,
    ),
  );
};

const errorLines = (name: Name) => trio[name].logs.filter((entry) => typeof entry.level === 'number' && entry.level >= 50);

describe.each(SERVICES)('the %s service', (name) => {
  describe('bodies that are not what they say they are', () => {
    const json = () => JSON.stringify(WRITES[name].body());

    it.each([
      ['gzip', 'this is not gzip'],
      ['deflate', 'this is not deflate'],
      ['br', 'this is not brotli, not at all'],
      ['gzip', gzipSync(Buffer.from('{"customer_name":"cut short"}')).subarray(0, 15)],
    ])('when a Content-Encoding %s body does not decode, then 400 invalid_content_encoding, not a 500', async (encoding, body) => {
      const before = errorLines(name).length;

      const res = await write(name, { 'Content-Encoding': encoding }, body);

      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'invalid_content_encoding', error: expect.any(String) });
      expect(errorLines(name).length).toBe(before);
    });

    it.each([
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const)('when a %s body decodes, then it is read like any other', async (encoding, compress) => {
      const res = await write(name, { 'Content-Encoding': encoding }, compress(Buffer.from(json())));

      expect(res.status).toBe(WRITES[name].answer.status);
      if (WRITES[name].answer.code) expect(res.json).toMatchObject({ code: WRITES[name].answer.code });
    });

    it('when a small gzip body inflates beyond 100 kB (an encoding bomb), then 413', async () => {
      const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, ' '));
      expect(bomb.length).toBeLessThan(100 * 1024);

      const res = await write(name, { 'Content-Encoding': 'gzip' }, bomb);

      expect(res.status).toBe(413);
      expect(res.json).toMatchObject({ code: 'payload_too_large' });
    });

    it.each(['compress', 'x-unknown', 'gzip, gzip'])(
      'when the Content-Encoding is %s, then 415 with the encodings we read',
      async (encoding) => {
        const res = await write(name, { 'Content-Encoding': encoding }, json());

        expect(res.status).toBe(415);
        expect(res.json).toMatchObject({ code: 'unsupported_media_type' });
        expect(res.headers['accept-encoding']).toBe('gzip, deflate, br');
      },
    );

    it('when the body is not valid UTF-8, then 400 malformed_json (never text silently changed to U+FFFD)', async () => {
      const res = await write(
        name,
        {},
        Buffer.concat([Buffer.from('{"customer_name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
      );

      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'malformed_json' });
    });

    it.each(['utf-16le', 'latin1'])('when the JSON is declared in charset %s, then 415: JSON is UTF-8', async (charset) => {
      const res = await write(name, { 'Content-Type': `application/json; charset=${charset}` }, json());

      expect(res.status).toBe(415);
      expect(res.json).toMatchObject({ code: 'unsupported_media_type' });
    });
  });

  describe('what the HTTP server answers itself', () => {
    // `count` headers in all, with the Host and Connection that httpRequest adds.
    const headers = (count: number, last: Record<string, string> = {}) => {
      const many: Record<string, string> = {};
      for (let i = 0; i < count - 2 - Object.keys(last).length; i++) many[`x-${i}`] = '1';
      return { ...many, ...last };
    };

    it('when a request has more than 1000 headers, then 431 JSON, and an Authorization header after the 1000th is not ignored', async () => {
      // Node would drop this expired token, and the request would go on as if none had been sent.
      const expired = hostileAuthHeaders('customer').expired ?? '';
      // 1000 here, and the Content-Length that httpRequest adds.
      const many = headers(1000, { 'Content-Type': 'application/json', Authorization: expired });

      const res = await rawRequest(port(name), httpRequest('POST', WRITES[name].path, many, JSON.stringify(WRITES[name].body())));

      expect(res.status).toBe(431);
      expect(res.json).toMatchObject({ code: 'headers_too_large', error: expect.any(String) });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers.connection).toBe('close');
    });

    it('when a request has 1000 headers, then it is served', async () => {
      const res = await rawRequest(port(name), httpRequest('GET', '/health', headers(1000)));

      expect(res.status).toBe(200);
    });

    it('when the headers are larger than the server takes, then 431 JSON', async () => {
      const res = await rawRequest(port(name), httpRequest('GET', '/health', { 'X-Big': 'a'.repeat(20_000) }));

      expect(res.status).toBe(431);
      expect(res.json).toMatchObject({ code: 'headers_too_large' });
      expect(res.headers.connection).toBe('close');
    });

    it.each([
      ['a broken request line', 'GET\r\n\r\n'],
      ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n'],
      ['a header without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n'],
      [
        'both Content-Length and Transfer-Encoding',
        'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ],
      [
        'a bad chunk size',
        'POST /api/token/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n',
      ],
    ])('when the request has %s, then 400 JSON with Connection: close', async (_case, data) => {
      const res = await rawRequest(port(name), data);

      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'bad_request', error: expect.any(String) });
      expect(res.headers.connection).toBe('close');
      expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    });

    it('when an HTTP/1.1 request has no Host header, then 400 JSON', async () => {
      const res = await rawRequest(port(name), 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n');

      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'bad_request' });
    });

    it('when the request expects something other than 100-continue, then 417 JSON', async () => {
      const res = await rawRequest(port(name), httpRequest('GET', '/health', { Expect: 'the-unexpected' }));

      expect(res.status).toBe(417);
      expect(res.json).toMatchObject({ code: 'expectation_failed' });
    });

    it('when a client sends part of its headers and then nothing, then 408 JSON once REQUEST_TIMEOUT_MS has passed', async () => {
      const started = Date.now();

      const res = await rawRequest(port(name), 'GET /health HTTP/1.1\r\nHost: x\r\n', { timeoutMs: 10 * TIMEOUT_MS });

      expect(res.status).toBe(408);
      expect(res.json).toMatchObject({ code: 'request_timeout' });
      expect(res.headers.connection).toBe('close');
      expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    });

    it('when the path is not validly percent-encoded, then 400 JSON, not a 500', async () => {
      const before = errorLines(name).length;

      const res = await rawRequest(port(name), httpRequest('GET', `/api/${name}s/%E0%A4%A/`, {}));

      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'bad_request' });
      expect(errorLines(name).length).toBe(before);
    });

    it.each([
      ['an admin token, then a customer one', bearer('admin'), bearer('customer')],
      ['a customer token, then an admin one', bearer('customer'), bearer('admin')],
    ])(
      'when the Authorization header is sent twice (%s), then 401: Node would keep the first and drop the other',
      async (_case, first, second) => {
        const route = ADMIN_ONLY[name];
        const request = httpRequest(
          route.method,
          route.path,
          { 'Content-Type': 'application/json', Authorization: first },
          route.body ? JSON.stringify(route.body) : '',
        );

        const res = await rawRequest(
          port(name),
          request.toString().replace('Authorization:', `Authorization: ${second}\r\nAuthorization:`),
        );

        expect(res.status).toBe(401);
        expect(res.json).toMatchObject({ code: 'unauthorized' });
      },
    );
  });
});
