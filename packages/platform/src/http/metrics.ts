import type { Request, RequestHandler, Response } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

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
  /** Label children by "method route status": observing through one skips prom-client's label checks. */
  readonly #observers = new Map<string, Observer>();

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

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
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
    const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
    // req.route is the route that matched (a 405 from defineRoute keeps it); every router is
    // mounted at the root, and baseUrl covers one that is not.
    const route = req.route ? `${req.baseUrl}${req.route.path}` : UNMATCHED_ROUTE;
    const key = `${method} ${route} ${res.statusCode}`;
    let observer = this.#observers.get(key);
    if (!observer) {
      observer = this.#duration.labels(method, route, String(res.statusCode));
      this.#observers.set(key, observer);
    }
    observer.observe((performance.now() - started) / 1000);
  }
}
