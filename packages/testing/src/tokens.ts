import { createHmac } from 'node:crypto';
import { createTokenService, type Role } from '@order-system/platform';

export const TEST_JWT_SECRET = 'test-secret-of-at-least-32-characters!!';

const tokens = createTokenService(TEST_JWT_SECRET);

export function bearer(role: Role, sub = `${role}-1`): string {
  return `Bearer ${tokens.sign({ sub, role })}`;
}

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A compact JWT with exactly this header and these claims, signed HS256 with the test secret. */
export function signRawToken(header: object, claims: object, secret = TEST_JWT_SECRET): string {
  const input = `${base64url(header)}.${base64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/**
 * Tokens a careful server must refuse, each as a full Authorization header value. `role` is the
 * role the forged token claims, so a test shows that the claim alone opens nothing.
 */
export function hostileAuthHeaders(role: Role): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'attacker', role, typ: 'access', iat: now, exp: now + 600 };
  const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
  const hs512Input = `${base64url({ alg: 'HS512', typ: 'JWT' })}.${base64url(claims)}`;
  const hs512 = `${hs512Input}.${createHmac('sha512', TEST_JWT_SECRET).update(hs512Input).digest('base64url')}`;
  const hs256 = { alg: 'HS256', typ: 'JWT' };
  const day = 24 * 60 * 60;
  return {
    'garbage token': 'Bearer not-a-jwt',
    'not a bearer scheme': `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    'empty bearer': 'Bearer ',
    'alg none': `Bearer ${unsigned}`,
    'HS512 with the right secret': `Bearer ${hs512}`,
    'another secret': `Bearer ${createTokenService('another-secret-of-32-characters-long!!').sign({ sub: 'x', role })}`,
    expired: `Bearer ${tokens.sign({ sub: 'x', role, ttlSeconds: -10 })}`,
    'refresh token used as access': `Bearer ${tokens.sign({ sub: 'x', role, type: 'refresh' })}`,
    'no expiry claim': `Bearer ${signRawToken(hs256, { sub: 'x', role, typ: 'access' })}`,
    'a refresh token without iat': `Bearer ${signRawToken(hs256, { sub: 'x', role, typ: 'refresh', exp: now + 600 })}`,
    'an unknown typ': `Bearer ${signRawToken(hs256, { sub: 'x', role, typ: 'id', exp: now + 600 })}`,
    // The next ones carry typ "access", so only the rule they break refuses them.
    'iat two minutes in the future': `Bearer ${signRawToken(hs256, { sub: 'x', role, typ: 'access', iat: now + 120, exp: now + 600 })}`,
    'a lifetime of a day and a minute': `Bearer ${signRawToken(hs256, { sub: 'x', role, typ: 'access', iat: now, exp: now + day + 60 })}`,
    'a hundred years without iat': `Bearer ${signRawToken(hs256, { sub: 'x', role, typ: 'access', exp: now + 100 * 365 * day })}`,
    'a crit header': `Bearer ${signRawToken({ ...hs256, crit: ['exp'] }, { sub: 'x', role, typ: 'access', exp: now + 600 })}`,
    'an unpaired surrogate in sub': `Bearer ${signRawToken(hs256, { sub: 'x\ud800', role, typ: 'access', exp: now + 600 })}`,
  };
}

/**
 * hostileAuthHeaders as [name, header] pairs for a table of tests, each header made when its test
 * runs: one of them (`iat` two minutes ahead) is only wrong for the first minute, and a table is
 * built when the file is collected, which on a busy machine can be that long before the test.
 */
export function hostileAuthCases(role: Role): [string, () => string][] {
  return Object.keys(hostileAuthHeaders(role)).map((name) => [name, () => hostileAuthHeaders(role)[name] as string]);
}
