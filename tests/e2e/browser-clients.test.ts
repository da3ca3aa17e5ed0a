import { createHash } from 'node:crypto';
import { bearer, migratedDatabaseUrl, type ServiceProcess, TEST_JWT_SECRET } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';
import { startInProcessService } from './in-process.js';

// Browser clients: security headers on every answer, and CORS for the origins CORS_ORIGINS names.
const SHOP = 'https://shop.example.com';
const DEV = 'http://localhost:5173';
const EVIL = 'https://evil.example.net';

let trio: Trio;
let closed: ServiceProcess;
beforeAll(async () => {
  const env = { CORS_ORIGINS: `${SHOP}, ${DEV}/` };
  [trio, closed] = await Promise.all([
    startTrio({ productEnv: env, paymentEnv: env, orderEnv: env }),
    startInProcessService('product', {
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: migratedDatabaseUrl('product'),
      SEED_DEMO_PRODUCTS: 'false',
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([trio?.stop(), closed?.stop()]);
});

type Name = 'product' | 'payment' | 'order';
const SERVICES: Name[] = ['product', 'payment', 'order'];
/** A route of each service a browser would call with a token, and one it reads without. */
const API: Record<Name, { write: string; read: string }> = {
  product: { write: '/api/products/', read: '/api/products/' },
  payment: { write: '/api/payments/', read: '/api/payments/7f1c2c9e-5d4b-4a57-9a43-0d6c1f1f2a10/' },
  order: { write: '/api/orders/', read: '/api/orders/7f1c2c9e-5d4b-4a57-9a43-0d6c1f1f2a10/' },
};

const preflight = (url: string, origin: string, headers = 'authorization, content-type, idempotency-key') =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': headers },
  });
const corsHeaders = (res: Response) => [...res.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe.each(SERVICES)('the %s service', (name) => {
  const url = (path: string) => `${trio[name].url}${path}`;

  describe('security headers', () => {
    it.each([
      ['an answer', () => API[name].read],
      ['an error', () => '/no/such/route'],
      ['the health check', () => '/health'],
    ])('when %s is sent, then it carries helmet’s headers', async (_case, path) => {
      const res = await fetch(url(path()));

      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    });

    it('when the docs page is loaded, then its Content-Security-Policy lets every script of the page run', async () => {
      const res = await fetch(url('/docs'));
      const html = await res.text();
      const policy = res.headers.get('content-security-policy') ?? '';
      const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(policy)?.[1]?.split(/\s+/) ?? [];

      expect(res.status).toBe(200);
      expect(scriptSrc).toContain("'self'");
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
        const src = /\bsrc="([^"]+)"/.exec(attributes ?? '')?.[1];
        if (src) expect(src.startsWith('/') || src.startsWith('./') || !/^[a-z]+:/i.test(src)).toBe(true);
        else
          expect(scriptSrc).toContain(
            `'sha256-${createHash('sha256')
              .update(body ?? '')
              .digest('base64')}'`,
          );
      }
    });
  });

  describe('CORS', () => {
    it.each([SHOP, DEV])('when a preflight comes from %s (allowed), then 204 with the CORS headers', async (origin) => {
      const res = await preflight(url(API[name].write), origin);

      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect(res.headers.get('access-control-max-age')).toEqual(expect.any(String));
      expect(res.headers.get('vary')).toContain('Origin');
    });

    it('when an allowed origin makes a request, then the answer names it and exposes our headers, errors too', async () => {
      const ok = await fetch(url(API[name].read), { headers: { Origin: SHOP } });
      const refused = await fetch(url(API[name].write), { method: 'POST', headers: { Origin: SHOP, Authorization: 'Bearer nope' } });

      for (const res of [ok, refused]) {
        expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
        expect(res.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('x-request-id');
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      }
      expect(refused.status).toBe(401);
    });

    it('when a preflight or a request comes from an origin not allowed, then no CORS header at all', async () => {
      const pre = await preflight(url(API[name].write), EVIL);
      const res = await fetch(url(API[name].read), { headers: { Origin: EVIL } });

      expect(corsHeaders(pre)).toEqual([]);
      expect(corsHeaders(res)).toEqual([]);
      expect(pre.status).toBe(204);
      expect(pre.headers.get('allow')).toContain('OPTIONS');
    });

    it('when OPTIONS is sent without an Origin, then 204 with Allow instead of 405', async () => {
      const res = await fetch(url(API[name].write), { method: 'OPTIONS' });

      expect(res.status).toBe(204);
      expect(res.headers.get('allow')).toMatch(/POST/);
      expect(res.headers.get('allow')).toMatch(/OPTIONS/);
    });
  });
});

describe('a service without CORS_ORIGINS', () => {
  it('when any origin sends a preflight or a request, then no CORS header is given', async () => {
    const pre = await preflight(`${closed.url}/api/products/`, SHOP);
    const res = await fetch(`${closed.url}/api/products/`, { headers: { Origin: SHOP, Authorization: bearer('admin') } });

    expect(corsHeaders(pre)).toEqual([]);
    expect(corsHeaders(res)).toEqual([]);
  });
});
