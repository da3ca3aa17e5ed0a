// Compiles the workspace to JavaScript (packages/*/dist, services/*/dist) with TypeScript's
// incremental build mode: the first build takes a while, a build with nothing changed well under
// a second, so `npm start` can build every time and always run what the sources say.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_WAIT_MS = 5 * 60_000;

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A lock whose owner died, or that never got its pid file (its owner died right after mkdir). */
function isAbandoned(lock) {
  try {
    return !isAlive(Number(readFileSync(join(lock, 'pid'), 'utf8')));
  } catch {
    try {
      return Date.now() - statSync(lock).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
}

/**
 * Two builds at once (two `npm start`s, or tests beside a running launcher) would write the same
 * files; the second waits for the first. A lock left by a process that died is taken over.
 */
function withBuildLock(root, work) {
  const lock = join(root, 'node_modules', '.order-system-build.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (isAbandoned(lock)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another build holds ${lock}; remove it if no build is running`);
      else sleepSync(200);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds what changed; returns tsc's exit status (its errors are on the terminal). */
export function build(root, { quiet = false } = {}) {
  return withBuildLock(root, () => {
    const started = Date.now();
    const cold = !existsSync(join(root, 'services', 'order', 'dist', '.tsbuildinfo'));
    if (cold && !quiet) console.log('Compiling the workspace to JavaScript (the first build; later ones compile only what changed)...');
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '--build', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    if (result.error) throw result.error;
    const seconds = (Date.now() - started) / 1000;
    if (!quiet && seconds >= 2) console.log(`Compiled the workspace in ${seconds.toFixed(1)} s (tsc --build; only what changed).`);
    return result.status ?? 1;
  });
}
