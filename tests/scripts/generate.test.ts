import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@order-system/testing';
import { describe, expect, it } from 'vitest';

// The Prisma clients are generated once per install: by the root's postinstall, which leaves a
// fingerprint of what they were made from, and not again by the launcher after the install.
describe('scripts/generate.mjs --if-changed', () => {
  it('when the clients were generated from the same schemas, Prisma and tsconfig, then it does nothing', () => {
    const client = join(REPO_ROOT, 'services', 'order', 'src', 'generated', 'prisma', 'client.ts');
    const before = statSync(client).mtimeMs;

    const result = spawnSync(process.execPath, [join('scripts', 'generate.mjs'), '--if-changed'], { cwd: REPO_ROOT, encoding: 'utf8' });

    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
    expect(statSync(client).mtimeMs).toBe(before);
  });
});
