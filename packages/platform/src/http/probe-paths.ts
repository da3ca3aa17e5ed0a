/**
 * Paths that load balancers, orchestrators and scrapers poll every few seconds: rate limits leave
 * them alone (a limited client must not take the service out of rotation), and their answers are
 * logged at debug.
 */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/** Whether a request URL (query and one trailing slash aside, as the router matches it) is a probe's. */
export function isProbe(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0] ?? '';
  return PROBE_PATHS.has(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
}
