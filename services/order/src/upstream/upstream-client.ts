import http from 'node:http';
import https from 'node:https';
import { REQUEST_ID_HEADER, type RequestContext, SERVICE_TOKEN_TTL_SECONDS, type TokenService } from '@order-system/platform';
import axios, { type AxiosError, type AxiosRequestHeaders } from 'axios';
import axiosRetry from 'axios-retry';
import { type AttemptFailure, describeFailure, isTransient, UpstreamError, type UpstreamService } from './upstream-error.js';

/** What every outgoing call carries from the request (or the job) that caused it: its id, forwarded, and its logger. */
export type { RequestContext } from '@order-system/platform';

export interface UpstreamClientOptions {
  service: UpstreamService;
  baseUrl: string;
  timeoutMs: number;
  /** Extra attempts for requests marked `retry` (the callee must be idempotent for them). */
  retries: number;
  retryBaseDelayMs: number;
  tokens: TokenService;
}

export interface UpstreamRequest {
  /** A few words for logs and errors: "reserve stock", "charge". */
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Send again after a transient failure. Only for requests the other service treats idempotently. */
  retry: boolean;
  timeoutMs?: number;
}

export interface UpstreamResponse {
  status: number;
  body: unknown;
}

export interface UpstreamClient {
  readonly service: UpstreamService;
  /** Resolves with a 2xx answer; throws UpstreamError with every failed attempt otherwise. */
  send(request: UpstreamRequest, ctx: RequestContext): Promise<UpstreamResponse>;
  close(): void;
}

const SERVICE_TOKEN_SUBJECT = 'order-service';
/** The TCP keep-alive delay axios gives every socket it sends a request on. */
const AXIOS_KEEP_ALIVE_MS = 60_000;
const MAX_RESPONSE_BYTES = 1024 * 1024;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED']);
// Errors in how we built the request, not in the network: never retried, surface as a 500.
const PROGRAMMING_CODES = new Set(['ERR_BAD_OPTION', 'ERR_BAD_OPTION_VALUE', 'ERR_INVALID_URL', 'ERR_CANCELED', 'ERR_NOT_SUPPORT']);

/** Sorts one failed attempt into what it tells us about the call's outcome; null for a bug of ours. */
export function classifyAttempt(error: AxiosError): AttemptFailure | null {
  if (error.response) return { kind: 'http', status: error.response.status, body: error.response.data };
  const code = error.code ?? 'UNKNOWN';
  if (PROGRAMMING_CODES.has(code)) return null;
  if (UNREACHABLE_CODES.has(code)) return { kind: 'unreachable', code };
  if (TIMEOUT_CODES.has(code)) return { kind: 'timeout', code };
  // A reset, a hang-up or an unreadable answer: the request may have been acted on.
  return { kind: 'reset', code };
}

/**
 * The service token as an Authorization value, signed again once less than a quarter of its
 * lifetime is left: every request carries at least 15 s of validity, and signing (an HMAC and two
 * JSON encodings) is not paid on every call.
 */
function reusedToken(tokens: TokenService): () => string {
  const renewEveryMs = (SERVICE_TOKEN_TTL_SECONDS * 1000 * 3) / 4;
  let header = '';
  let renewAt = 0;
  return () => {
    const now = Date.now();
    if (now >= renewAt) {
      header = `Bearer ${tokens.sign({ sub: SERVICE_TOKEN_SUBJECT, role: 'service', ttlSeconds: SERVICE_TOKEN_TTL_SECONDS })}`;
      renewAt = now + renewEveryMs;
    }
    return header;
  };
}

function toJsonBody(data: unknown, headers: AxiosRequestHeaders): string | undefined {
  if (data === undefined) return undefined;
  headers.setContentType('application/json');
  return JSON.stringify(data);
}

/** The answer's JSON, or its text when it is not JSON (a proxy's HTML page): a body we cannot read is no answer. */
function fromJsonBody(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** Exponential backoff with jitter: base, 2 x base, 4 x base, ... each plus up to 50 %. */
export function backoffDelay(retryNumber: number, baseMs: number): number {
  const delay = baseMs * 2 ** Math.max(0, retryNumber - 1);
  return Math.round(delay + Math.random() * delay * 0.5);
}

/**
 * The one way this service calls another: base URL, per-attempt timeout, keep-alive agent,
 * X-Request-Id forwarding, a short-lived service token (reused while it has time left), retries with
 * backoff on transient failures only, and a typed UpstreamError that says whether the request
 * can have arrived.
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  // axios sets TCP keep-alive to 60 s on the socket of every request; the agent's own setting is made
  // the same, so that the two do not take turns changing it (four system calls each) on every call.
  const agentOptions = { keepAlive: true, keepAliveMsecs: AXIOS_KEEP_ALIVE_MS, maxSockets: 64 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const instance = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    httpAgent,
    httpsAgent,
    proxy: false,
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    transitional: { clarifyTimeoutError: true },
    headers: { Accept: 'application/json' },
    // Bodies are JSON both ways; axios's default transforms first try every other kind of body.
    transformRequest: [toJsonBody],
    transformResponse: [fromJsonBody],
  });
  // Runs again for every retry, so each attempt carries a token with time left.
  const serviceToken = reusedToken(options.tokens);
  instance.interceptors.request.use((config) => {
    config.headers.set('Authorization', serviceToken());
    return config;
  });
  axiosRetry(instance, {
    retries: 0,
    // Every attempt gets the whole timeout; axios-retry would otherwise share one budget between them.
    shouldResetTimeout: true,
    retryCondition: (error) => {
      const failure = classifyAttempt(error);
      return failure !== null && isTransient(failure);
    },
    retryDelay: (retryNumber) => backoffDelay(retryNumber, options.retryBaseDelayMs),
  });

  return {
    service: options.service,
    async send(request, ctx) {
      const attempts: AttemptFailure[] = [];
      const maxAttempts = (request.retry ? options.retries : 0) + 1;
      try {
        const response = await instance.request({
          method: request.method,
          url: request.path,
          data: request.body,
          timeout: request.timeoutMs ?? options.timeoutMs,
          headers: { [REQUEST_ID_HEADER]: ctx.requestId },
          'axios-retry': {
            retries: maxAttempts - 1,
            onRetry: (retryNumber, error) => {
              const failure = classifyAttempt(error);
              if (failure) attempts.push(failure);
              ctx.log.warn(
                {
                  upstream: options.service,
                  operation: request.operation,
                  attempt: retryNumber + 1,
                  max_attempts: maxAttempts,
                  reason: failure ? describeFailure(failure) : error.code,
                },
                `retrying ${request.operation}`,
              );
            },
          },
        });
        return { status: response.status, body: response.data };
      } catch (err) {
        if (!axios.isAxiosError(err)) throw err;
        const failure = classifyAttempt(err);
        if (!failure) throw err;
        throw new UpstreamError(options.service, request.operation, failure, attempts);
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
