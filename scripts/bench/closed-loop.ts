/** What one phase measured: every completed request's latency and how it ended. */
export interface LoopResult {
  requests: number;
  seconds: number;
  /** Milliseconds, sorted. */
  latencies: Float64Array;
  /** Outcome label ("201", "400 out_of_stock", "no answer") -> count. */
  statuses: Record<string, number>;
  /** CPU time of this process during the loop, in milliseconds. */
  benchCpuMs: number;
}

export interface LoopOptions {
  concurrency: number;
  durationMs: number;
  /** A hard cap on the requests of the loop, whatever the duration. */
  maxRequests: number;
  /** Sends request number `n` for client `client` and answers its outcome label. */
  send: (client: number, n: number) => Promise<string>;
}

/**
 * `concurrency` clients, each sending its next request as soon as the previous one is answered,
 * until the time is up or the cap is reached. Bounded in time and count: no request is started
 * after the deadline, and each request has its own timeout in the client.
 */
export async function closedLoop(options: LoopOptions): Promise<LoopResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let issued = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, client) => {
      while (issued < options.maxRequests && performance.now() < deadline) {
        const n = issued++;
        const sent = performance.now();
        const outcome = await options.send(client, n);
        latencies.push(performance.now() - sent);
        statuses[outcome] = (statuses[outcome] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requests: latencies.length,
    seconds,
    latencies: Float64Array.from(latencies).sort(),
    statuses,
    benchCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** The nearest-rank percentile of sorted values; 0 when there are none. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}
