// The `npm start` launcher as users and supervisors run it: real processes, real signals, real
// ports. Whatever way the launcher ends, no service process it started may be left, and nothing
// may listen on the services' ports. (How it stops on signals to it and to npm: launcher-signals.test.ts.)
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { buildWorkspace, tempDir } from '@order-system/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingLeft, health, RUNNING } from './launcher-checks.js';
import { freePorts, killLeftovers, type LauncherRun, launch } from './launcher-run.js';

let run: LauncherRun | undefined;

// `npm start` compiles what changed; building first (the global setup has, in a whole run) keeps each test's start short.
beforeAll(buildWorkspace, 600_000);

afterEach(() => {
  killLeftovers(run);
  run = undefined;
});

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
