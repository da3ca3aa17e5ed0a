import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './process.js';

/** Set by the global setup once it has compiled the workspace for this run. */
const BUILT_VARIABLE = 'ORDER_SYSTEM_TEST_BUILT';

/**
 * `npm run build` (tsc --build, incremental; without installing). The global setup runs it once
 * per test run, so that the services that tests start as processes run compiled, and no test file
 * builds again. Throws with tsc's output when the build fails.
 */
export function buildWorkspace(): void {
  if (isWorkspaceBuilt()) return;
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'run.mjs'), 'build'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ORDER_SYSTEM_NO_INSTALL: '1' },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status}):\n${build.stdout}${build.stderr}`);
  process.env[BUILT_VARIABLE] = '1';
}

/** Whether this run has compiled the workspace: services/*\/dist then hold what the sources say. */
export function isWorkspaceBuilt(): boolean {
  return process.env[BUILT_VARIABLE] === '1';
}
