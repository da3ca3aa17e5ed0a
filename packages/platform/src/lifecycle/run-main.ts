import { ConfigError } from '../config.js';
import { MigrationError } from '../db/migrate.js';

/**
 * Runs a service's start-up. A bad configuration or a failed migration ends the process with
 * its message and exit code 1, not with a stack trace. A busy port names the variable that moves
 * it: PORT, or the one `npm start` read it from (its launcher says which in LAUNCHER_PORT_VARIABLE).
 */
export async function runMain(start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MigrationError) {
      process.stderr.write(`${err.message}\n`);
    } else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      const { port } = err as { port?: number };
      const variable = process.env.LAUNCHER_PORT_VARIABLE || 'PORT';
      process.stderr.write(`Port ${port ?? ''} is already in use: stop what runs there, or set another ${variable}.\n`);
    } else {
      process.stderr.write(`Start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  }
}
