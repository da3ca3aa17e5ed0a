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
