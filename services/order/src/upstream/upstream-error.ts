/**
 * Why one attempt at calling another service did not give a 2xx answer.
 * - unreachable: the connection was refused (or the host unknown); the request never arrived.
 * - timeout / reset: the request may have arrived and been acted on; its outcome is unknown.
 * - http: the service answered with this status and body.
 */
export type AttemptFailure =
  | { kind: 'unreachable'; code: string }
  | { kind: 'timeout'; code: string }
  | { kind: 'reset'; code: string }
  | { kind: 'http'; status: number; body: unknown };

export type UpstreamService = 'product' | 'payment';

/** A call to another service that failed after every attempt its retry policy allowed. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  /** Every failed attempt, in order, the last one included. */
  readonly attempts: readonly AttemptFailure[];

  constructor(
    readonly service: UpstreamService,
    readonly operation: string,
    /** The failure of the last attempt. */
    readonly last: AttemptFailure,
    earlier: readonly AttemptFailure[] = [],
  ) {
    super(`${service} service: ${operation} failed after ${earlier.length + 1} attempt(s): ${describeFailure(last)}`);
    this.attempts = [...earlier, last];
  }

  /** The HTTP status of the last answer, if the last attempt got one. */
  get status(): number | undefined {
    return this.last.kind === 'http' ? this.last.status : undefined;
  }

  /** True when no attempt reached the service: nothing it does can have happened. */
  get neverArrived(): boolean {
    return this.attempts.every((attempt) => attempt.kind === 'unreachable');
  }

  /** True when the last attempt got an HTTP answer with this status. */
  hasStatus(status: number): boolean {
    return this.status === status;
  }

  /** A string field of the last answer's JSON body (e.g. `code`), if there is one. */
  bodyField(name: string): unknown {
    if (this.last.kind !== 'http' || typeof this.last.body !== 'object' || this.last.body === null) return undefined;
    return (this.last.body as Record<string, unknown>)[name];
  }
}

export function describeFailure(failure: AttemptFailure): string {
  return failure.kind === 'http' ? `HTTP ${failure.status}` : `${failure.kind} (${failure.code})`;
}

/** Network errors, timeouts, 5xx and 429 may go away on a retry; any other answer is final. */
export function isTransient(failure: AttemptFailure): boolean {
  return failure.kind !== 'http' || failure.status === 429 || failure.status >= 500;
}

/** A 4xx other than 429: the other service refused the request and did nothing. */
export function isRefusal(failure: AttemptFailure): boolean {
  return failure.kind === 'http' && failure.status >= 400 && failure.status < 500 && failure.status !== 429;
}
