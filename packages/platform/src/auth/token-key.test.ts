import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';

// jsonwebtoken, given a secret as a string, builds a new KeyObject for every sign and every
// verify. Counting the calls to node:crypto's createSecretKey (as jsonwebtoken sees it; it reads
// the function when it loads, so the count is installed before the platform is imported) shows
// that the token service builds one key for its secret and none per call.
const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
let keysBuilt = 0;
let createTokenService: typeof import('./tokens.js').createTokenService;

beforeAll(async () => {
  const original = crypto.createSecretKey;
  crypto.createSecretKey = ((...args: Parameters<typeof original>) => {
    keysBuilt += 1;
    return original(...args);
  }) as typeof original;
  ({ createTokenService } = await import('./tokens.js'));
});

describe('the key of a token service', () => {
  it('when tokens are signed and verified many times, then no key object is built per call', () => {
    const tokens = createTokenService('unit-test-secret-of-enough-length');
    const before = keysBuilt;

    for (let i = 0; i < 20; i++) tokens.verify(tokens.sign({ sub: `u${i}`, role: 'customer' }));

    expect(keysBuilt - before).toBe(0);
  });
});
