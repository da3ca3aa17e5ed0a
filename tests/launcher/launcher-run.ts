import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT, type ServiceName, tempDir, waitFor } from '@order-system/testing';

export const SERVICES: ServiceName[] = ['product', 'payment', 'order'];

export interface LauncherRun {
  /** The process the test spawned: the launcher itself, or npm. */
  child: ChildProcess;
  /** The folder of this run's databases; its path is in the environment of every process of the run. */
  dir: string;
  ports: Record<ServiceName, number>;
  /** stdout and stderr, as printed. */
  output: () => string;
  /** Resolves with how the spawned process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until the output matches. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  /** The pid of each service the launcher reported starting. */
  servicePids: () => Partial<Record<ServiceName, number>>;
}

export interface LaunchOptions {
  /** `node scripts/run.mjs <command>` (default), or `npm <command>` as a user types it. */
  via?: 'node' | 'npm';
  command?: 'start' | 'dev';
  env?: Record<string, string>;
  /** Ports to use instead of new free ones. */
  ports?: Partial<Record<ServiceName, number>>;
  /**
   * Written to `.env` in a new working directory, where the launcher reads it (without one the run
   * starts in the project root); these variables are then left out of the environment, unless
   * `env` sets them too (the environment wins over .env).
   */
  envFile?: Record<string, string>;
  /** The run's database folder, when the test prepares it first. */
  dir?: string;
}

/**
 * Ports nothing listens on right now, below Linux's ephemeral range (32768-60999): the other test
 * files bind PORT=0, and a port the OS hands out there could be taken the moment a service of
 * ours lets go of it, which would look like a service left running.
 */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.includes(candidate) && (await canBind(candidate))) ports.push(candidate);
  }
  return ports;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The pids of /proc, this process's own left out. */
function pids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses): state, ppid, ... */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Whether a pid is a live process (a zombie is not). */
export function isAlive(pid: number): boolean {
  try {
    return statFields(pid)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Live processes (zombies excluded) whose environment contains `marker`: every process of one
 * run, the services included, whoever their parent is by now.
 */
export function processesWith(marker: string): number[] {
  return pids().filter((pid) => {
    try {
      return isAlive(pid) && readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
    } catch {
      return false; // The process ended while we looked.
    }
  });
}

/** The processes whose parent is `pid` (npm's script shell, the launcher under it). */
export function childrenOf(pid: number): number[] {
  return pids().filter((child) => {
    try {
      return Number(statFields(child)[1]) === pid;
    } catch {
      return false; // The process ended while we looked.
    }
  });
}

/**
 * Spawns the launcher (or npm) in a process group of its own, as a terminal would run it, with
 * every service on a free port and a fresh database folder. It never installs.
 */
export async function launch(options: LaunchOptions = {}): Promise<LauncherRun> {
  const dir = options.dir ?? tempDir('launcher-run-');
  const [product, payment, order] = await freePorts(3);
  const ports = { product: product!, payment: payment!, order: order!, ...options.ports };
  const via = options.via ?? 'node';
  const command = options.command ?? 'start';
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ORDER_SYSTEM_NO_INSTALL: '1',
    PRODUCT_PORT: String(ports.product),
    PAYMENT_PORT: String(ports.payment),
    ORDER_PORT: String(ports.order),
    PRODUCT_DATABASE_URL: `file:${join(dir, 'product.db')}`,
    PAYMENT_DATABASE_URL: `file:${join(dir, 'payment.db')}`,
    ORDER_DATABASE_URL: `file:${join(dir, 'order.db')}`,
    ...options.env,
  };
  let cwd = REPO_ROOT;
  if (options.envFile) {
    cwd = tempDir('launcher-cwd-');
    writeFileSync(
      join(cwd, '.env'),
      Object.entries(options.envFile)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    );
    for (const key of Object.keys(options.envFile)) if (!(key in (options.env ?? {}))) delete env[key];
  }
  const [file, args] =
    via === 'npm'
      ? ['npm', ['--silent', ...(command === 'start' ? ['start'] : ['run', command])]]
      : [process.execPath, [join(REPO_ROOT, 'scripts', 'run.mjs'), command]];
  const child = spawn(file, args as string[], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    dir,
    ports,
    output: () => output,
    exited,
    waitForOutput: (pattern, timeoutMs = 120_000) =>
      waitFor(() => output.match(pattern) ?? undefined, timeoutMs).catch((err: Error) => {
        throw new Error(`${err.message}: waiting for ${pattern} in:\n${output}`);
      }),
    servicePids: () => Object.fromEntries([...output.matchAll(/\[launcher\] (\w+): started, pid (\d+)/g)].map((m) => [m[1], Number(m[2])])),
  };
}

/** Last resort after a failed test: nothing of a run may outlive the test file. */
export function killLeftovers(run: LauncherRun | undefined): void {
  if (!run) return;
  for (const pid of processesWith(run.dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
