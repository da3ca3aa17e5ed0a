import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@order-system/testing';
import { describe, expect, it } from 'vitest';
import { dockerTestBlockers, INSTALL_HINT } from '../../scripts/docker/prerequisites.mjs';

// What `npm test` and `npm run test:docker` say when the Docker engine test cannot run here.
const COMMANDS = ['dockerd', 'containerd', 'runc', 'docker', 'debootstrap', 'ip', 'npm', 'docker-compose'];
const asRoot = process.getuid?.() === 0;

/** A PATH of one directory holding stand-in executables with the given output. */
function pathWith(commands: Record<string, string>): string {
  const dir = join(tempDir('prerequisites-'), 'bin');
  mkdirSync(dir);
  for (const [name, output] of Object.entries(commands)) {
    writeFileSync(join(dir, name), `#!/bin/sh\necho '${output}'\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe.runIf(process.platform === 'linux')('the Docker engine test prerequisites', () => {
  it('when nothing is installed, then it names every missing command and how to install them', () => {
    const blockers = dockerTestBlockers({ PATH: pathWith({}) });

    const missing = blockers.find((b) => b.startsWith('missing: '));
    for (const name of ['dockerd', 'containerd', 'runc', 'docker', 'debootstrap', 'ip', 'iptables', 'npm']) expect(missing).toContain(name);
    expect(missing).toContain('docker-compose (or the docker compose plugin)');
    expect(missing).toContain(INSTALL_HINT);
    expect(blockers.some((b) => b.startsWith('it needs root'))).toBe(!asRoot);
  });

  it('when iptables drives nf_tables and nft is missing, then it asks for nft, which restores the rules', () => {
    const commands = Object.fromEntries(COMMANDS.map((name) => [name, '']));
    const blockers = dockerTestBlockers({ PATH: pathWith({ ...commands, iptables: 'iptables v1.8.9 (nf_tables)' }) });

    expect(blockers.filter((b) => b.startsWith('missing: '))).toEqual([
      `missing: nft (to restore the firewall rules dockerd adds) (${INSTALL_HINT})`,
    ]);
  });

  it('when everything is there, then only a missing root stands in the way', () => {
    const commands = Object.fromEntries(COMMANDS.map((name) => [name, '']));
    const blockers = dockerTestBlockers({ PATH: pathWith({ ...commands, iptables: 'iptables v1.8.9 (nf_tables)', nft: '' }) });

    expect(blockers).toEqual(asRoot ? [] : [expect.stringMatching(/^it needs root/)]);
  });
});
