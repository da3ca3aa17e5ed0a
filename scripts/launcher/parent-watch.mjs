// Notices when the process that started the launcher is gone. `npm start` runs the launcher
// through `sh -c`: npm passes SIGTERM and SIGINT on to that shell, which dies without passing
// them on, and a SIGKILL of npm reaches nobody. Either way the launcher would run on under PID 1
// with the three services; watching its parent (and, under npm, the parent's parent) lets it
// stop them instead.
import { readFileSync } from 'node:fs';

const INTERVAL_MS = 250;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The parent of `pid` (Linux); undefined where there is no /proc. */
function parentOf(pid) {
  try {
    return Number(statFields(pid)[1]);
  } catch {
    return undefined;
  }
}

function isGone(pid) {
  try {
    // A zombie has exited; only its parent has not collected it yet.
    return statFields(pid)[0] === 'Z';
  } catch (err) {
    if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') return false;
  }
  // No /proc entry: gone, unless there is no /proc at all.
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === 'ESRCH';
  }
}

/** Calls `onGone` once when a watched ancestor exits. Returns a function that stops watching. */
export function watchParent(onGone) {
  const parent = process.ppid;
  if (parent <= 1) return () => {};
  const watched = [parent];
  // Run as a package script: the parent is the script's shell, and npm (or pnpm) is its parent.
  const grandparent = process.env.npm_lifecycle_event ? parentOf(parent) : undefined;
  if (grandparent !== undefined && grandparent > 1) watched.push(grandparent);
  const timer = setInterval(() => {
    if (process.ppid !== parent || watched.some(isGone)) {
      clearInterval(timer);
      onGone();
    }
  }, INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
