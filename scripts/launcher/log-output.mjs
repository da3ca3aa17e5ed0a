// What the launcher prints of its services' logs: the JSON lines as they are (for a log shipper,
// a file, a test), or, on a terminal, one readable line each through pino-pretty.
//   LOG_FORMAT=json | pretty    unset: pretty on a terminal, JSON otherwise
const LOG_FORMATS = ['json', 'pretty'];

/** The format for this run, or an error message for a bad LOG_FORMAT. */
export function chooseLogFormat(env, stdout) {
  const wanted = env.LOG_FORMAT;
  if (wanted === undefined || wanted === '') return { format: stdout.isTTY ? 'pretty' : 'json' };
  if (LOG_FORMATS.includes(wanted)) return { format: wanted };
  return { error: `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (got ${JSON.stringify(wanted)})` };
}

/** One service log line as a person reads it: `12:00:01.123 INFO: order   POST /api/orders/ 201 12 ms`. */
function readable(entry) {
  const { service = '', ...rest } = entry;
  if (rest.req && rest.res && rest.msg === 'request completed') {
    rest.msg = `${rest.req.method} ${rest.req.url} ${rest.res.status} ${rest.responseTime ?? '?'} ms`;
    delete rest.req;
    delete rest.res;
    delete rest.responseTime;
    // The id matters when something went wrong; on every other request line it is noise.
    if (rest.level === 'info' || rest.level === 'debug') delete rest.request_id;
  }
  rest.msg = `${String(service).padEnd(7)} ${rest.msg ?? ''}`;
  return rest;
}

/**
 * Returns a function that turns one line of a service's stdout into what the launcher prints
 * (with its newline); lines that are not JSON objects pass through unchanged. For JSON there is
 * nothing to change: null, and the services write to the launcher's stdout themselves (each line is
 * one write, so lines of different services never interleave), which costs the launcher nothing.
 */
export async function createLineFormatter(format, { colorize }) {
  if (format === 'json') return null;
  const { prettyFactory } = await import('pino-pretty');
  const prettify = prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true });
  return (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      return `${line}\n`;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return `${line}\n`;
    return prettify(readable(entry));
  };
}
