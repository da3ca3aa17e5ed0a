import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { AppError, InternalError } from '../errors.js';
import { zodDetails } from './validate.js';

interface BodyParserError {
  type: string;
  status?: number;
}

/** The Content-Encodings the JSON body parser inflates; a 415 for any other names them (RFC 7694). */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';
}

/** An error of node:zlib (a body that does not inflate), as the body parser passes it on with status 400. */
function isDecompressionError(err: unknown): boolean {
  const { errno, code } = err as { errno?: unknown; code?: unknown };
  return typeof errno === 'number' && typeof code === 'string' && /^(Z_|ERR__ERROR|ERR_BROTLI)/.test(code);
}

/** An http-errors error of a library (body parser, router) that is the client's fault: status 4xx, message safe to show. */
function clientFault(err: unknown): { status: number; message: string } | null {
  const { status, expose, message } = err as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true || typeof message !== 'string') return null;
  return { status, message };
}

/** Maps anything thrown to the contract's JSON error; unknown errors become a logged, generic 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return new AppError(400, 'validation_failed', 'Validation failed', { details: zodDetails(err) });
  if (isBodyParserError(err)) {
    switch (err.type) {
      case 'entity.parse.failed':
        return new AppError(400, 'malformed_json', 'Malformed JSON body');
      case 'entity.too.large':
        return new AppError(413, 'payload_too_large', 'Request body is larger than 100 kB');
      case 'encoding.unsupported':
        return new AppError(415, 'unsupported_media_type', `Content-Encoding must be one of ${ACCEPTED_ENCODINGS}, or none`, {
          headers: { 'Accept-Encoding': ACCEPTED_ENCODINGS },
        });
      case 'charset.unsupported':
        return new AppError(415, 'unsupported_media_type', 'JSON bodies must be UTF-8');
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return new AppError(400, 'bad_request', 'The request body could not be read');
      default:
        break;
    }
  }
  if (isDecompressionError(err)) {
    return new AppError(400, 'invalid_content_encoding', 'The request body does not decode as its Content-Encoding says');
  }
  // The router cannot decode a percent-escape of the path (`/api/products/%E0%A4%A/`).
  if (err instanceof URIError) return new AppError(400, 'bad_request', 'The URL is not validly percent-encoded');
  const fault = clientFault(err);
  if (fault) return new AppError(fault.status, 'bad_request', fault.message);
  if (isDatabaseUnavailable(err)) return databaseUnavailable(err);
  return new InternalError(err);
}

/** Every connection busy or stalled (after a pause of the process or the database): nothing was done, retry. */
export const databaseUnavailable = (cause?: unknown): AppError =>
  new AppError(503, 'database_unavailable', 'The database is busy or unreachable; retry shortly', {
    headers: { 'Retry-After': '1' },
    cause,
  });

export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const appError = toAppError(err);
  const fields = { code: appError.code, status: appError.status };
  if (appError instanceof InternalError) {
    // Unknown: a bug or a fault nobody foresaw. The stack is what finds it.
    req.log.error({ err: appError.cause ?? err }, 'request failed');
  } else if (appError.status >= 500) {
    // Foreseen (a neighbour down, an injected fault): its code and sentence say it all; a stack would only repeat.
    req.log.warn({ ...fields, ...causeOf(appError) }, appError.message);
  } else {
    req.log.info(fields, appError.message);
  }
  for (const [name, value] of Object.entries(appError.headers)) res.setHeader(name, value);
  res.status(appError.status).json(appError.toJSON());
};

/** The message of what caused a foreseen 5xx (an upstream's answer, say), never its stack. */
function causeOf(error: AppError): { cause?: string } {
  const { cause } = error;
  if (cause === undefined) return {};
  return { cause: cause instanceof Error ? cause.message : String(cause) };
}
