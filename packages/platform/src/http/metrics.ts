import type { Request, RequestHandler, Response } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export type { Counter };

/** The route label of a request that matched no route: one value, however many paths a scanner tries. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Seconds. Finer than prom-client's default at the low end, where a lean request lands (a product
 * read takes well under a millisecond of work, an order a few).
 */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Node's parser accepts a few dozen methods; anything else we do not route is folded into one value. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const STARTED = Symbol('metricsStartedAt');
type TimedResponse = Response & { [STARTED]?: number };
type Observer = { observe: (seconds: number) => void };

/**
 * One service's Prometheus metrics: a registry of its own (never prom-client's global one, so that
 * several apps in one process, as in the tests, count apart), the default process metrics under
 * their standard names, the request-duration histogram, and the service's own counters, which the
 * composition root creates with `counter()` and hands to the code that counts.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #duration: Histogram<'method' | 'route' | 'status'>;
  /**
   * Label children by route, method and status, found without building a string per request;
   * observing through a child skips prom-client's own label lookup.
   */
  readonly #observers = new Map<object | string, Map<string, Map<number, Observer>>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.#duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from the request reaching the app to the last byte of the answer handed to the OS, by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
  }

  /**
   * A counter in this registry. The `known` label sets start at 0, so that every outcome is on
   * /metrics from the start and a rate over it is defined before the first one happens.
   */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[], known: Record<L, string>[] = []): Counter<L> {
    const counter = new Counter({ name, help, labelNames, registers: [this.registry] });
    for (const labels of known) counter.inc(labels as Partial<Record<L, string>>, 0);
    return counter;
  }

  /**
   * Times every request that gets an answer. One listener function is shared by all responses
   * and the start time rides on the response, so a request costs no closure.
   */
  readonly middleware: RequestHandler = (_req, res, next) => {
    (res as TimedResponse)[STARTED] = performance.now();
    res.on('finish', this.#onFinish);
    next();
  };

  /** GET /metrics: the text exposition format, version 0.0.4. */
  readonly handler: RequestHandler = async (_req, res) => {
    const text = await this.registry.metrics();
    res.type(this.registry.contentType).send(text);
  };

  readonly #onFinish: (this: TimedResponse) => void = (() => {
    const metrics = this;
    // A plain function: 'finish' calls it with the response as `this`.
    return function onFinish(this: TimedResponse): void {
      metrics.#observe(this);
    };
  })();

  #observe(res: TimedResponse): void {
    const started = res[STARTED];
    if (started === undefined) return;
    const req = res.req as Request;
    // The route that matched (a 405 from defineRoute keeps it): its Route object is a cheap key,
    // and the label string is built once per route. Every router is mounted at the root; one that
    // is not gets its base URL in the label, keyed by the string.
    const route: object | string = req.route ? (req.baseUrl ? `${req.baseUrl}${req.route.path}` : req.route) : UNMATCHED_ROUTE;
    const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
    const status = res.statusCode;
    let byMethod = this.#observers.get(route);
    if (!byMethod) {
      byMethod = new Map();
      this.#observers.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let observer = byStatus.get(status);
    if (!observer) {
      const label = typeof route === 'string' ? route : String(req.route.path);
      observer = this.#duration.labels(method, label, String(status));
      byStatus.set(status, observer);
    }
    observer.observe((performance.now() - started) / 1000);
  }
}
