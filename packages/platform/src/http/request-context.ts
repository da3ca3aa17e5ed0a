import type { Request } from 'express';
import type { Logger } from '../logger.js';

/**
 * What the domain gets from the request it works for: its id (forwarded on every call to another
 * service) and its logger (a child of the service's logger with the request id on every line).
 * Passed by hand, not held in AsyncLocalStorage, which costs CPU on every request on Node 20.
 */
export interface RequestContext {
  requestId: string;
  log: Logger;
}

/** The context of an Express request (after the request logger set its id and logger). */
export function requestContext(req: Request): RequestContext {
  return { requestId: String(req.id), log: req.log };
}
