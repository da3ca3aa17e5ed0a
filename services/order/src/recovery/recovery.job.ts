import type { Logger } from '@order-system/platform';
import type { ReconciliationService } from './reconciliation.service.js';
import type { RecoveryReport, RecoveryService } from './recovery.service.js';

export interface RecoveryJobOptions {
  intervalMs: number;
  /** How often a pass also reconciles payments with cancelled orders. */
  reconciliationIntervalMs: number;
}

/**
 * Runs the recovery pass once at start and then every `intervalMs`, never two passes at once, and
 * the reconciliation after it whenever it is due. `stop` cancels the timer and waits for a running
 * pass, which ends after its current order.
 */
export class RecoveryJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopping = false;
  #reconcileAt = 0;

  constructor(
    private readonly recovery: RecoveryService,
    private readonly reconciliation: ReconciliationService,
    private readonly logger: Logger,
    private readonly options: RecoveryJobOptions,
  ) {}

  start(): void {
    if (this.#timer || this.#stopping) return;
    this.logger.info({ interval_ms: this.options.intervalMs }, 'recovery job started');
    this.#timer = setInterval(() => void this.runPass(), this.options.intervalMs);
    // The timer alone must not keep the process alive.
    this.#timer.unref();
    void this.runPass();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass now, unless one is running (then that one's end). Never rejects: failures are logged. */
  runPass(): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<void> {
    const started = Date.now();
    try {
      const report: RecoveryReport = await this.recovery.runOnce(() => this.#stopping);
      if (report.examined > 0 || report.skipped > 0) {
        this.logger.info({ ...report, duration_ms: Date.now() - started }, 'recovery pass finished');
      }
    } catch (err) {
      this.logger.error({ err }, 'recovery pass failed; tried again at the next interval');
    }
    // Due when the interval has passed since the last reconciliation began, give or take half a
    // recovery interval: the passes come every intervalMs, so a reconciliation due a moment after
    // one of them runs with it rather than a whole recovery interval late.
    if (this.#stopping || started + this.options.intervalMs / 2 < this.#reconcileAt) return;
    this.#reconcileAt = started + this.options.reconciliationIntervalMs;
    try {
      const report = await this.reconciliation.runOnce();
      if (report.refunded > 0) this.logger.warn(report, 'reconciliation refunded charges of cancelled orders');
    } catch (err) {
      this.logger.warn({ err }, 'reconciliation pass failed; tried again at the next interval');
    }
  }
}
