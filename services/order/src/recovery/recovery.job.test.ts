import { createLogger } from '@order-system/platform';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReconciliationService } from './reconciliation.service.js';
import { RecoveryJob } from './recovery.job.js';
import type { RecoveryService } from './recovery.service.js';

const logger = createLogger({ service: 'test', level: 'silent' });

/** A job over fakes of its two services that record when each pass ran (in ms since the start). */
function job(options: { intervalMs: number; reconciliationIntervalMs: number }, passMs: (pass: number) => number = () => 0) {
  const start = Date.now();
  const recoveries: number[] = [];
  const reconciliations: number[] = [];
  const recovery = {
    runOnce: async () => {
      recoveries.push(Date.now() - start);
      // A pass takes time: the reconciliation after it begins a little later than the pass.
      await vi.advanceTimersByTimeAsync(passMs(recoveries.length));
      return { examined: 0, skipped: 0 };
    },
  } as unknown as RecoveryService;
  const reconciliation = {
    runOnce: async () => {
      reconciliations.push(Date.now() - start);
      return { checked: 0, refunded: 0 };
    },
  } as unknown as ReconciliationService;
  return { job: new RecoveryJob(recovery, reconciliation, logger, options), recoveries, reconciliations };
}

describe('RecoveryJob', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when reconciliation is due every 60 s and recovery passes come every 30 s, then it reconciles every 60 s, not every 90', async () => {
    vi.useFakeTimers();
    // The first pass after start has the most to do; later ones are quicker.
    const {
      job: recoveryJob,
      recoveries,
      reconciliations,
    } = job({ intervalMs: 30_000, reconciliationIntervalMs: 60_000 }, (pass) => (pass === 1 ? 800 : 100));
    recoveryJob.start();
    await vi.advanceTimersByTimeAsync(300_000);
    await recoveryJob.stop();
    expect(recoveries).toHaveLength(11);
    expect(reconciliations).toHaveLength(6);
    expect(reconciliations.map((at) => Math.round(at / 30_000) * 30)).toEqual([0, 60, 120, 180, 240, 300]);
  });

  it('when reconciliation is due more often than recovery passes come, then it reconciles after every pass', async () => {
    vi.useFakeTimers();
    const { job: recoveryJob, recoveries, reconciliations } = job({ intervalMs: 1000, reconciliationIntervalMs: 100 });
    recoveryJob.start();
    await vi.advanceTimersByTimeAsync(5000);
    await recoveryJob.stop();
    expect(reconciliations).toHaveLength(recoveries.length);
  });

  it('when stopped, then no pass runs any more', async () => {
    vi.useFakeTimers();
    const { job: recoveryJob, recoveries, reconciliations } = job({ intervalMs: 1000, reconciliationIntervalMs: 1000 });
    recoveryJob.start();
    await vi.advanceTimersByTimeAsync(2500);
    await recoveryJob.stop();
    const [passes, reconciled] = [recoveries.length, reconciliations.length];
    await vi.advanceTimersByTimeAsync(5000);
    expect([recoveries.length, reconciliations.length]).toEqual([passes, reconciled]);
  });
});
