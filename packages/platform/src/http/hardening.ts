import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from '../errors.js';

/**
 * helmet's Content-Security-Policy without `upgrade-insecure-requests`: the services speak plain
 * HTTP (TLS, where there is some, ends in front of them), and that directive would make a browser
 * fetch the docs page's own scripts over HTTPS from a host reached by name or address.
 */
const CSP = { useDefaults: true, directives: { 'upgrade-insecure-requests': null } };

/**
 * Security headers on every answer: helmet's defaults (nosniff, frame, opener and resource
 * policies, HSTS, no referrer) and a Content-Security-Policy of `default-src 'self'`, under which
 * a page whose scripts are files of this origin works as it is.
 */
export function securityHeaders(): RequestHandler {
  return helmet({ contentSecurityPolicy: CSP });
}

/** The part of the base configuration the app skeleton reads. */
export interface HttpHardeningSettings {
  CORS_ORIGINS: string[];
  RATE_LIMIT_PER_MINUTE: number;
  /** Express's `trust proxy`: false, a number of hops, or addresses and subnets. */
  TRUST_PROXY?: false | number | string;
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** JSON is UTF-8 (RFC 8259); a body declared in another charset is a 415, before it is read. */
export const requireUtf8Json: RequestHandler = (req, _res, next) => {
  const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    next(new AppError(415, 'unsupported_media_type', 'JSON bodies must be UTF-8'));
    return;
  }
  next();
};

/**
 * The body parser's `verify`: the raw body must be valid UTF-8 (otherwise the decoder would turn
 * the bad bytes into U+FFFD and the text would be stored changed), and is kept as text for the
 * checks that need what was written (integer literals).
 */
export function keepRawUtf8Body(req: IncomingMessage, _res: unknown, buffer: Buffer): void {
  if (!isUtf8(buffer)) throw new AppError(400, 'malformed_json', 'Malformed JSON body: it is not valid UTF-8');
  (req as IncomingMessage & { rawBody?: string }).rawBody = buffer.toString('utf8');
}
