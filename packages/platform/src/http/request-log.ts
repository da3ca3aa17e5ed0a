import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LevelWithSilent } from 'pino';
import { isProbe } from './probe-paths.js';

/**
 * The level of a request's log line: error for an unforeseen failure (a 500 or a thrown error);
 * warn for another 5xx, an answer the service gives on purpose (a neighbour or the database
 * unavailable, not ready); debug for a probe that answered (so an `info` log shows the requests of
 * people and services only); info for everything else.
 */
export function requestLogLevel(req: IncomingMessage, res: ServerResponse, err?: Error): LevelWithSilent {
  if (err || res.statusCode === 500) return 'error';
  if (res.statusCode > 500) return 'warn';
  return isProbe(req.url) ? 'debug' : 'info';
}

/**
 * What the line of a failed request carries. pino-http makes up an Error (with its stack) for every
 * 5xx answer; for an answer given on purpose (a 503) that stack says nothing but where pino-http is,
 * so the line has the status only. A 500 keeps it (the error middleware logs the real cause).
 */
export function requestErrorFields(_req: IncomingMessage, res: ServerResponse, _error: Error, fields: Record<string, unknown>): object {
  if (res.statusCode === 500) return fields;
  const { err: _made, ...rest } = fields;
  return rest;
}
