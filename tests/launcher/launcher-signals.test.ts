// The `npm start` launcher stopped by signals, to itself or to the npm that started it, or killed
// outright: no service process it started may be left, and nothing may listen on the services' ports.
import { buildWorkspace, waitFor } from '@order-system/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingLeft, launcherUnderNpm, RUNNING, STOP_TIMEOUT_MS } from './launcher-checks.js';
import { isAlive, killLeftovers, type LauncherRun, launch } from './launcher-run.js';

let run: LauncherRun | undefined;

// `npm start` compiles what changed; building first (the global setup has, in a whole run) keeps each test's start short.
beforeAll(buildWorkspace, 600_000);

afterEach(() => {
  killLeftovers(run);
  run = undefined;
});

describe('npm start', { timeout: 180_000 }, () => {
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
});
