import { spawnSync } from 'node:child_process';
import { type ServiceName, waitFor } from '@order-system/testing';
import { expect } from 'vitest';
import { childrenOf, isAlive, isListening, type LauncherRun, processesWith, SERVICES } from './launcher-run.js';

export const RUNNING = /order-system is running/;
export const STOP_TIMEOUT_MS = 30_000;

export async function health(port: number): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  expect(res.status).toBe(200);
  return res.json();
}

/** Everything the run started is gone, and none of its ports (but `except`) accepts connections. */
export async function expectNothingLeft(launcher: LauncherRun, except: ServiceName[] = []): Promise<void> {
  const pids = launcher.servicePids();
  for (const [name, pid] of Object.entries(pids)) expect(isAlive(pid), `${name} (pid ${pid}) still runs`).toBe(false);
  // Under npm, the script shell ends just after the launcher; nothing else of the run may remain.
  await waitFor(() => processesWith(launcher.dir).length === 0, STOP_TIMEOUT_MS).catch(() => {
    expect(processesWith(launcher.dir), 'processes of this run still alive').toEqual([]);
  });
  for (const name of SERVICES.filter((s) => !except.includes(s))) {
    const port = launcher.ports[name];
    expect(await isListening(port), `something listens on ${name}'s port ${port}:\n${listenerOf(port)}`).toBe(false);
  }
}

/** Who listens on a port, for the failure message. */
function listenerOf(port: number): string {
  return spawnSync('ss', ['-Htlnp', `sport = :${port}`], { encoding: 'utf8' }).stdout;
}

/** The launcher under `npm start`: npm -> sh -c -> node scripts/run.mjs. */
export function launcherUnderNpm(npmPid: number): { shell: number; launcher: number } {
  const [shell] = childrenOf(npmPid);
  expect(shell, 'npm has no script shell').toBeDefined();
  const [launcher] = childrenOf(shell!);
  expect(launcher, 'the script shell has no launcher').toBeDefined();
  return { shell: shell!, launcher: launcher! };
}
