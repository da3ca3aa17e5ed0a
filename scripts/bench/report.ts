import type { CpuSource } from './cpu-probe.js';
import type { InvariantReport } from './invariants.js';

export const SERVICES = ['order', 'product', 'payment'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** CPU milliseconds per request of the phase; null where the service's CPU could not be read. */
export interface CpuPerRequest {
  order: number | null;
  product: number | null;
  payment: number | null;
  /** The three services added up (null if any is unknown). */
  trio: number | null;
  /** The load generator itself; it shares the cores, so it is shown apart. */
  bench: number;
}

export interface PhaseReport {
  /** "POST /api/orders/ c=16", "GET /api/products/{id}/ c=16". */
  name: string;
  concurrency: number;
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  statuses: Record<string, number>;
  cpuMs: CpuPerRequest;
}

export interface TrioReport {
  label: string;
  urls: Record<ServiceName, string>;
  cpuSources: Record<ServiceName, CpuSource>;
  phases: PhaseReport[];
  invariants: InvariantReport;
}

export interface BenchReport {
  format: 'order-system-bench/1';
  startedAt: string;
  settings: { concurrency: number[]; durationSeconds: number; warmupSeconds: number; readConcurrency: number };
  trios: TrioReport[];
}

const COLUMNS = [
  ['phase', 30],
  ['n', 7],
  ['per s', 8],
  ['p50 ms', 8],
  ['p90 ms', 8],
  ['p99 ms', 8],
  ['cpu order', 10],
  ['product', 8],
  ['payment', 8],
  ['trio', 8],
  ['bench', 8],
] as const;

function row(cells: string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(COLUMNS[0][1]) : cell.padStart(COLUMNS[i]?.[1] ?? 8))).join(' ');
}

const num = (value: number | null, digits = 1) => (value === null ? '-' : value.toFixed(digits));

function statusText(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([, a], [, b]) => b - a)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
}

/** One trio's table: a line per phase, CPU in milliseconds per request, then the invariant verdict. */
export function formatTrio(trio: TrioReport): string {
  const sources = SERVICES.map((s) => `${s} ${trio.urls[s]} (cpu: ${trio.cpuSources[s]})`).join(', ');
  const lines = [
    `trio ${trio.label}: ${sources}`,
    row(COLUMNS.map(([title]) => title)),
    ...trio.phases.map((p) =>
      row([
        p.name,
        String(p.requests),
        num(p.perSecond),
        num(p.p50),
        num(p.p90),
        num(p.p99),
        num(p.cpuMs.order, 2),
        num(p.cpuMs.product, 2),
        num(p.cpuMs.payment, 2),
        num(p.cpuMs.trio, 2),
        num(p.cpuMs.bench, 2),
      ]),
    ),
    'statuses:',
    ...trio.phases.map((p) => `  ${p.name.padEnd(COLUMNS[0][1])} ${statusText(p.statuses)}`),
  ];
  const inv = trio.invariants;
  const verdict = inv.ok ? 'OK' : 'MISMATCH';
  lines.push(
    `invariants: ${verdict} over ${inv.orders} orders (${statusText(inv.statuses) || 'none'})` +
      (inv.unanswered > 0 ? `; ${inv.unanswered} create requests got no answer and are not checked` : ''),
    ...inv.problems.map((problem) => `  ${problem}`),
  );
  return lines.join('\n');
}

const ratio = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? '-' : `${(now / before).toFixed(2)}x`;

/** Each figure of `now` divided by the same figure of `before`, phase by phase (matched by name). */
export function formatRatio(title: string, now: TrioReport, before: TrioReport): string {
  const lines = [title, row(COLUMNS.map(([name]) => name))];
  for (const p of now.phases) {
    const q = before.phases.find((candidate) => candidate.name === p.name);
    if (!q) continue;
    lines.push(
      row([
        p.name,
        ratio(p.requests, q.requests),
        ratio(p.perSecond, q.perSecond),
        ratio(p.p50, q.p50),
        ratio(p.p90, q.p90),
        ratio(p.p99, q.p99),
        ratio(p.cpuMs.order, q.cpuMs.order),
        ratio(p.cpuMs.product, q.cpuMs.product),
        ratio(p.cpuMs.payment, q.cpuMs.payment),
        ratio(p.cpuMs.trio, q.cpuMs.trio),
        ratio(p.cpuMs.bench, q.cpuMs.bench),
      ]),
    );
  }
  return lines.join('\n');
}
