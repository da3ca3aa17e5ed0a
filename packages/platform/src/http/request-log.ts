// pino-http adds `req.log` and `req.id` to every request's type. The reference is kept in the emitted
// declarations (`preserve`), so a service compiled against this package's dist sees them too.
/// <reference types="pino-http" preserve="true" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LevelWithSilent } from 'pino';

/**
 * Paths that load balancers, orchestrators and scrapers poll every few seconds. Their answers
 * are logged at debug, so an `info` log shows the requests of people and services only.
 */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

function pathOf(url: string | undefined): string {
  const path = (url ?? '').split('?', 1)[0] ?? '';
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * The level of a request's log line: error for a failure (5xx or a thrown error), debug for a
 * probe that answered, info for everything else.
 */
export function requestLogLevel(req: IncomingMessage, res: ServerResponse, err?: Error): LevelWithSilent {
  if (err || res.statusCode >= 500) return 'error';
  return PROBE_PATHS.has(pathOf(req.url)) ? 'debug' : 'info';
}
