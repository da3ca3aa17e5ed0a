import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { AppError, InternalError } from '../errors.js';
import { zodDetails } from './validate.js';

interface BodyParserError {
  type: string;
  status?: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';
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
      case 'charset.unsupported':
        return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding or charset');
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return new AppError(400, 'bad_request', 'The request body could not be read');
      default:
        break;
    }
  }
  return new InternalError(err);
}

export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const appError = toAppError(err);
  if (appError.status >= 500) {
    req.log.error({ err: appError.cause ?? err }, 'request failed');
  } else {
    req.log.info({ code: appError.code, status: appError.status }, appError.message);
  }
  for (const [name, value] of Object.entries(appError.headers)) res.setHeader(name, value);
  res.status(appError.status).json(appError.toJSON());
};
