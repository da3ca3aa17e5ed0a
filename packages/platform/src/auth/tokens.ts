import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { UnauthorizedError } from '../errors.js';

export const ROLES = ['admin', 'customer', 'service'] as const;
export type Role = (typeof ROLES)[number];
export type TokenType = 'access' | 'refresh';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 24 * 60 * 60;
/** Tokens the order service signs for its own calls to the other services. */
export const SERVICE_TOKEN_TTL_SECONDS = 60;

const claimsSchema = z.object({
  sub: z.string().min(1).max(200),
  role: z.enum(ROLES),
  typ: z.enum(['access', 'refresh']),
  exp: z.number().int(),
  iat: z.number().int().optional(),
});

export type Claims = z.infer<typeof claimsSchema>;

export interface TokenService {
  sign(input: { sub: string; role: Role; type?: TokenType; ttlSeconds?: number }): string;
  /** Verifies signature (HS256 only), expiry and shape; throws UnauthorizedError otherwise. */
  verify(token: string, expectedType?: TokenType): Claims;
}

export function createTokenService(secret: string): TokenService {
  return {
    sign({ sub, role, type = 'access', ttlSeconds }) {
      const ttl = ttlSeconds ?? (type === 'refresh' ? REFRESH_TOKEN_TTL_SECONDS : ACCESS_TOKEN_TTL_SECONDS);
      return jwt.sign({ role, typ: type }, secret, { algorithm: 'HS256', subject: sub, expiresIn: ttl });
    },
    verify(token, expectedType = 'access') {
      let decoded: unknown;
      try {
        decoded = jwt.verify(token, secret, { algorithms: ['HS256'] });
      } catch (err) {
        const expired = err instanceof jwt.TokenExpiredError;
        throw new UnauthorizedError(expired ? 'Token has expired' : 'Token is invalid');
      }
      const claims = claimsSchema.safeParse(decoded);
      if (!claims.success) throw new UnauthorizedError('Token is invalid');
      if (claims.data.typ !== expectedType) {
        throw new UnauthorizedError(expectedType === 'access' ? 'A refresh token is not an access token' : 'Token is not a refresh token');
      }
      return claims.data;
    },
  };
}
