import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenService } from './tokens.js';

const SECRET = 'unit-test-secret-of-enough-length';
const tokens = createTokenService(SECRET);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('tokens', () => {
  it('when a token is signed, then it verifies with its claims and is HS256', () => {
    const token = tokens.sign({ sub: 'alice', role: 'customer' });
    expect(tokens.verify(token)).toMatchObject({ sub: 'alice', role: 'customer', typ: 'access' });
    expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({ alg: 'HS256' });
  });

  it('when a token is expired, then it is refused as expired', () => {
    expect(() => tokens.verify(tokens.sign({ sub: 'a', role: 'admin', ttlSeconds: -1 }))).toThrow('Token has expired');
  });

  it('when the role is not one we know, then it is refused', () => {
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'a', role: 'root', typ: 'access', exp: 9999999999 })}`;
    const token = `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
    expect(() => tokens.verify(token)).toThrow('Token is invalid');
  });

  it('when alg is none or the secret differs, then it is refused', () => {
    const none = `${b64({ alg: 'none' })}.${b64({ sub: 'a', role: 'admin', typ: 'access', exp: 9999999999 })}.`;
    expect(() => tokens.verify(none)).toThrow('Token is invalid');
    expect(() => tokens.verify(createTokenService('another-secret-entirely-here').sign({ sub: 'a', role: 'admin' }))).toThrow();
  });

  it('when a refresh token is presented as access (or the reverse), then it is refused', () => {
    expect(() => tokens.verify(tokens.sign({ sub: 'a', role: 'admin', type: 'refresh' }), 'access')).toThrow(/refresh token/);
    expect(() => tokens.verify(tokens.sign({ sub: 'a', role: 'admin' }), 'refresh')).toThrow(/not a refresh token/);
  });
});

describe('tokens as the contract defines them', () => {
  const now = Math.floor(Date.now() / 1000);
  const hs256 = (claims: object, header: object = { alg: 'HS256', typ: 'JWT' }, secret = SECRET) => {
    const input = `${b64(header)}.${b64(claims)}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };

  it('when a token has only sub, role and exp, then it is an access token (and not a refresh token)', () => {
    const token = hs256({ sub: 'bob', role: 'customer', exp: now + 60 });
    expect(tokens.verify(token)).toEqual({ sub: 'bob', role: 'customer', exp: now + 60 });
    expect(() => tokens.verify(token, 'refresh')).toThrow('Token is not a refresh token');
  });

  it('when typ is neither access nor refresh, then it is refused', () => {
    for (const typ of ['id', 'ACCESS', '', 1, null]) {
      expect(() => tokens.verify(hs256({ sub: 'a', role: 'admin', typ, exp: now + 60 }))).toThrow('Token is invalid');
    }
  });

  it('when exp and iat carry fractions of a second (RFC 7519 NumericDate), then the token is accepted', () => {
    expect(tokens.verify(hs256({ sub: 'a', role: 'admin', iat: now - 0.5, exp: now + 60.25 })).exp).toBe(now + 60.25);
  });

  it('when iat is up to 60 s ahead (clock skew), then accepted; beyond, then refused', () => {
    const at = (iat: number) => hs256({ sub: 'a', role: 'admin', iat, exp: iat + 600 });
    const fixed = createTokenService(SECRET, { now: () => now });
    expect(fixed.verify(at(now + 60)).iat).toBe(now + 60);
    expect(() => fixed.verify(at(now + 61))).toThrow('Token is issued in the future');
  });

  it('when the lifetime is above JWT_MAX_TTL_SECONDS (exp - iat, or exp - now without iat), then refused', () => {
    const fixed = createTokenService(SECRET, { now: () => now, maxTtlSeconds: 3600 });
    expect(fixed.verify(hs256({ sub: 'a', role: 'admin', iat: now - 100, exp: now - 100 + 3600 })).sub).toBe('a');
    expect(() => fixed.verify(hs256({ sub: 'a', role: 'admin', iat: now - 100, exp: now - 99 + 3600 }))).toThrow(/lifetime/);
    expect(fixed.verify(hs256({ sub: 'a', role: 'admin', exp: now + 3600 })).sub).toBe('a');
    expect(() => fixed.verify(hs256({ sub: 'a', role: 'admin', exp: now + 3601 }))).toThrow(/lifetime/);
    // The default is one day.
    expect(() => tokens.verify(hs256({ sub: 'a', role: 'admin', exp: now + 100 * 365 * 86400 }))).toThrow(/lifetime/);
  });

  it('when JWT_MAX_TTL_SECONDS is below a token kind’s lifetime, then the tokens we sign are cut to it and stay valid', () => {
    const short = createTokenService(SECRET, { maxTtlSeconds: 120 });
    const claims = short.verify(short.sign({ sub: 'a', role: 'admin', type: 'refresh' }), 'refresh');
    expect(claims.exp - (claims.iat ?? 0)).toBe(120);
  });

  it('when the header has crit, then the token is refused (RFC 7515: no critical extension is understood)', () => {
    for (const crit of [['exp'], ['b64'], []]) {
      const claims = { sub: 'a', role: 'admin', typ: 'access', exp: now + 60 };
      expect(() => tokens.verify(hs256(claims, { alg: 'HS256', crit }))).toThrow('Token is invalid');
    }
  });

  it('when sub has an unpaired surrogate, then it is refused', () => {
    expect(() => tokens.verify(hs256({ sub: 'a\ud800', role: 'admin', typ: 'access', exp: now + 60 }))).toThrow('Token is invalid');
  });

  it('when a token was signed by an earlier release (typ access, integer dates), then it stays valid', () => {
    expect(tokens.verify(hs256({ sub: 'a', role: 'service', typ: 'access', iat: now, exp: now + 60 })).role).toBe('service');
  });

  it('when a token that verified is sent again, then it is accepted until it expires and refused after, and its kind still counts', () => {
    let clock = now;
    const later = createTokenService(SECRET, { now: () => clock });
    const token = hs256({ sub: 'a', role: 'service', exp: now + 60 });

    expect(later.verify(token).sub).toBe('a');
    clock = now + 59.5;
    expect(later.verify(token).sub).toBe('a');
    expect(() => later.verify(token, 'refresh')).toThrow(/not a refresh token/);
    clock = now + 60;
    expect(() => later.verify(token)).toThrow('Token has expired');
  });
});
