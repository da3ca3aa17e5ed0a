import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  level: string;
  /** Where the lines go: stdout by default; a test that runs the service inside the test process collects them. */
  destination?: DestinationStream;
}

/**
 * One logger factory: JSON lines with ISO timestamps, `service` on every line, errors as `{ err }`.
 * Always JSON, also on a terminal: `npm start` makes the lines readable for people (pino-pretty),
 * and everything else (Docker, log shippers, tests) reads JSON.
 *
 * Nothing is redacted line by line (a cost on every line): the request log writes a request's
 * method and URL only, never its headers, so no token or cookie reaches the log.
 *
 * Lines are written synchronously to stdout. pino's default asynchronous stream flushes what is
 * still queued when the process exits, and when stdout is a pipe whose reader is gone (the
 * launcher was killed, a log shipper died) that flush retries EPIPE forever: the service would
 * spin at full CPU instead of exiting. A synchronous write fails once, and pino then drops the
 * lines that follow.
 */
export function createLogger({ service, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
