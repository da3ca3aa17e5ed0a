import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isWorkspaceBuilt } from './build.js';
import { closeWhenFileEnds } from './file-resources.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TSX_LOADER = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

export type ServiceName = 'order' | 'product' | 'payment';

export interface ServiceProcess {
  name: ServiceName;
  url: string;
  port: number;
  pid: number;
  /** Every log line the process printed, parsed where it was JSON. */
  logs: Record<string, unknown>[];
  /** SIGTERM, then wait for the exit (SIGKILL after 10 s). */
  stop: () => Promise<void>;
  /** SIGKILL: a crash, with no chance to clean up. */
  kill: () => Promise<void>;
}

/**
 * How a service process is started: compiled (`node services/<name>/dist/main.js`, as `npm start`
 * runs it) once the global setup has built this run's sources, else from the sources through tsx.
 */
function entryArgs(name: ServiceName): string[] {
  if (isWorkspaceBuilt()) return [join(REPO_ROOT, 'services', name, 'dist', 'main.js')];
  return ['--conditions=@order-system/source', '--import', TSX_LOADER, join(REPO_ROOT, 'services', name, 'src', 'main.ts')];
}

/**
 * Starts one service as its own Node process, as `npm start` does, on an ephemeral port
 * (PORT=0), and resolves once it logs the port it listens on.
 */
export async function startServiceProcess(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, entryArgs(name), {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s:\n${stderr.join('\n')}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${stderr.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        entry = { msg: line };
      }
      logs.push(entry);
      if (entry.msg === 'listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
  });

  const exited = once(child, 'exit');
  const signal = async (sig: NodeJS.Signals, killAfterMs?: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    await exited;
    if (timer) clearTimeout(timer);
  };
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    logs,
    // Stopped when the test file ends, if the test does not stop it itself.
    stop: closeWhenFileEnds(() => signal('SIGTERM', 10_000)),
    kill: () => signal('SIGKILL'),
  };
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
