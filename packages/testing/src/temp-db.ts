import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const roots: string[] = [];

/** A fresh folder under the OS temp dir, removed when the test process exits. */
export function tempDir(prefix = 'order-system-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

/** A `file:` URL of a new, empty SQLite file of its own: one per test file or per service. */
export function tempDatabaseUrl(name: string): string {
  const dir = tempDir(`${name}-db-`);
  mkdirSync(dir, { recursive: true });
  return `file:${join(dir, `${name}.db`)}`;
}

process.once('exit', () => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});
