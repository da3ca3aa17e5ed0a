import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LevelWithSilent } from 'pino';
import { isProbe } from './probe-paths.js';

/**
 * The level of a request's log line: error for a failure (5xx or a thrown error), debug for a
 * probe that answered (so an `info` log shows the requests of people and services only), info
 * for everything else.
 */
export function requestLogLevel(req: IncomingMessage, res: ServerResponse, err?: Error): LevelWithSilent {
  if (err || res.statusCode >= 500) return 'error';
  return isProbe(req.url) ? 'debug' : 'info';
}
