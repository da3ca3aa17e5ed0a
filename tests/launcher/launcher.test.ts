// The `npm start` launcher as users and supervisors run it: real processes, real signals, real
// ports. Whatever way the launcher ends, no service process it started may be left, and nothing
// may listen on the services' ports.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { type ServiceName, tempDir, waitFor } from '@order-system/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorkspace,
  childrenOf,
  freePorts,
  isAlive,
  isListening,
  killLeftovers,
  type LauncherRun,
  launch,
  processesWith,
  SERVICES,
} from './launcher-run.js';

const RUNNING = /order-system is running/;
const STOP_TIMEOUT_MS = 30_000;

let run: LauncherRun | undefined;

// `npm start` compiles what changed; building once here keeps each test's start short.
beforeAll(buildWorkspace, 600_000);

afterEach(() => {
  killLeftovers(run);
  run = undefined;
});

async function health(port: number): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  expect(res.status).toBe(200);
  return res.json();
}

/** Everything the run started is gone, and none of its ports (but `except`) accepts connections. */
async function expectNothingLeft(launcher: LauncherRun, except: ServiceName[] = []): Promise<void> {
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
function launcherUnderNpm(npmPid: number): { shell: number; launcher: number } {
  const [shell] = childrenOf(npmPid);
  expect(shell, 'npm has no script shell').toBeDefined();
  const [launcher] = childrenOf(shell!);
  expect(launcher, 'the script shell has no launcher').toBeDefined();
  return { shell: shell!, launcher: launcher! };
}

describe('npm start', { timeout: 180_000 }, () => {
  it('reads .env (the environment winning over it) and starts all three with LOG_LEVEL=warn, where no "listening" line is logged', async () => {
    const [productPort, orderPort] = await freePorts(2);
    run = await launch({
      ports: { product: productPort!, order: orderPort! },
      // ORDER_PORT in .env is not a port: the run only works because the environment wins.
      envFile: { LOG_LEVEL: 'warn', PRODUCT_PORT: String(productPort), ORDER_PORT: 'not-a-port' },
      env: { ORDER_PORT: String(orderPort) },
    });
    await run.waitForOutput(RUNNING);
    const ports = run.ports;

    expect(await health(ports.product)).toEqual({ status: 'ok', service: 'product' });
    expect(await health(ports.payment)).toEqual({ status: 'ok', service: 'payment' });
    expect(await health(ports.order)).toEqual({ status: 'ok', service: 'order' });
    expect(run.output()).not.toContain('"msg":"listening"');

    process.kill(run.child.pid!, 'SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await expectNothingLeft(run);
  });

  it('stops all three on Ctrl-C (SIGINT to the whole process group), here running the sources through tsx with readable logs', async () => {
    run = await launch({ command: 'dev', env: { LOG_FORMAT: 'pretty' } });
    await run.waitForOutput(RUNNING);
    expect(Object.keys(run.servicePids()).sort()).toEqual(['order', 'payment', 'product']);
    await health(run.ports.product);
    await fetch(`http://127.0.0.1:${run.ports.product}/api/products/1/`);
    await run.waitForOutput(/INFO: product GET \/api\/products\/1\/ 200 \d+ ms/);

    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).toMatch(/INFO: order {3}stopped/);
    expect(run.output()).not.toContain('"level":');
    expect(run.output(), 'a /health poll logged at info').not.toContain('GET /health');
    await expectNothingLeft(run);
  });

  it('refuses an unknown LOG_FORMAT before starting anything', async () => {
    run = await launch({ env: { LOG_FORMAT: 'xml' } });
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.output()).toContain('LOG_FORMAT must be one of json, pretty');
    expect(run.servicePids()).toEqual({});
  });

  it('stops all three on SIGTERM to the launcher', async () => {
    run = await launch();
    await run.waitForOutput(RUNNING);

    process.kill(run.child.pid!, 'SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).toMatch(/"service":"order","msg":"stopped"/);
    await expectNothingLeft(run);
  });

  it('stops the launcher and all three on SIGTERM to npm, which the script shell does not pass on', async () => {
    run = await launch({ via: 'npm' });
    await run.waitForOutput(RUNNING);
    const { launcher } = launcherUnderNpm(run.child.pid!);

    process.kill(run.child.pid!, 'SIGTERM');
    await run.exited;
    await waitFor(() => !isAlive(launcher), STOP_TIMEOUT_MS);
    expect(run.output()).toContain('the process that started the launcher is gone');
    await expectNothingLeft(run);
  });

  it('stops the launcher and all three when npm is killed outright (SIGKILL) and its shell lives on', async () => {
    run = await launch({ via: 'npm' });
    await run.waitForOutput(RUNNING);
    const { launcher } = launcherUnderNpm(run.child.pid!);

    process.kill(run.child.pid!, 'SIGKILL');
    await run.exited;
    await waitFor(() => !isAlive(launcher), STOP_TIMEOUT_MS);
    await expectNothingLeft(run);
  });

  it('leaves no service behind when the launcher itself is killed (SIGKILL): each one stops when its channel closes', async () => {
    run = await launch();
    await run.waitForOutput(RUNNING);
    const pids = run.servicePids();

    process.kill(run.child.pid!, 'SIGKILL');
    await run.exited;
    await waitFor(() => Object.values(pids).every((pid) => !isAlive(pid)), STOP_TIMEOUT_MS);
    await expectNothingLeft(run);
  });

  it('stops everything and exits 1, never starting the order service, when a service cannot start (its port is taken)', async () => {
    const [taken] = await freePorts(1);
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
    try {
      run = await launch({ ports: { product: taken! } });
      expect(await run.exited).toEqual({ code: 1, signal: null });

      expect(run.output()).toContain(`Port ${taken} is already in use: stop what runs there, or set another PRODUCT_PORT.`);
      expect(run.output()).toContain('product exited (exit code 1) before it was listening');
      expect(run.servicePids().order).toBeUndefined();
      await expectNothingLeft(run, ['product']);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('stops everything and exits 143, never starting the order service, on SIGTERM while the services start', async () => {
    // Another process holds the product database, so the product service waits at its migrations.
    const dir = tempDir('launcher-run-');
    const productDb = join(dir, 'product.db');
    writeFileSync(productDb, '');
    const lock = new Database(productDb);
    lock.exec('BEGIN EXCLUSIVE');
    try {
      run = await launch({ dir });
      await run.waitForOutput(/product: started[\s\S]*payment: started|payment: started[\s\S]*product: started/);

      process.kill(run.child.pid!, 'SIGTERM');
      expect(await run.exited).toEqual({ code: 143, signal: null });
      expect(run.output()).toContain('SIGTERM received');
      expect(run.servicePids().order).toBeUndefined();
      await expectNothingLeft(run);
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }
  });
});
