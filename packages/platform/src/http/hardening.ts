import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from '../errors.js';

/**
 * Security headers on every answer (helmet's defaults: nosniff, frame and opener policies, HSTS,
 * and a Content-Security-Policy of `default-src 'self'`, under which the docs page works as long
 * as its scripts are files of this origin).
 */
export function securityHeaders(): RequestHandler {
  return helmet();
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
