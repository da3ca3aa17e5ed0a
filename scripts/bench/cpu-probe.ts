import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { HttpClient } from './http-client.js';

/** Where a service's CPU seconds are read from. */
export type CpuSource = 'metrics' | 'proc' | 'none';

export interface CpuProbe {
  source: CpuSource;
  /** The service process's CPU time so far (user + system), in seconds; null when it cannot be read. */
  read(): Promise<number | null>;
}

const CPU_LINE = /^process_cpu_seconds_total(?:\{[^}]*\})? (\S+)/m;

/**
 * Reads a service's CPU time from `process_cpu_seconds_total` on its /metrics. A service without
 * /metrics (older code, run side by side for a comparison) is read from /proc instead: the bench
 * only talks to loopback, so the process listening on the port is on this machine.
 */
export async function cpuProbe(client: HttpClient, baseUrl: string): Promise<CpuProbe> {
  const metricsUrl = new URL('/metrics', baseUrl);
  const fromMetrics = async (): Promise<number | null> => {
    const answer = await client.send({ method: 'GET', url: metricsUrl });
    const match = answer.status === 200 ? CPU_LINE.exec(answer.body) : null;
    return match ? Number(match[1]) : null;
  };
  if ((await fromMetrics()) !== null) return { source: 'metrics', read: fromMetrics };

  const pid = listeningPid(Number(new URL(baseUrl).port || 80));
  if (pid === null) return { source: 'none', read: async () => null };
  const ticks = clockTicksPerSecond();
  return { source: 'proc', read: async () => procCpuSeconds(pid, ticks) };
}

function procCpuSeconds(pid: number, ticksPerSecond: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** The process holding a listening TCP socket on `port`, found through /proc (Linux only). */
function listeningPid(port: number): number | null {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      // local_address is ADDR:PORT; state 0A is LISTEN; the 10th column is the socket's inode.
      if (cols[1]?.endsWith(`:${portHex}`) && cols[3] === '0A' && cols[9]) inodes.add(`socket:[${cols[9]}]`);
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  return null;
}
