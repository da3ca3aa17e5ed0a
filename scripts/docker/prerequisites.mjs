// What the Docker engine test (tests/docker/compose-stack.docker.ts) needs from the machine, and the
// reasons it cannot run here. Plain Node, no dependency: `npm test` prints these reasons too.
//
// The test starts a Docker engine of its own (dockerd as root, with its own socket, data and bridge),
// builds stand-ins for the base images offline (debootstrap from the machine's apt mirror) and
// restores the host's network state afterwards (nft or iptables).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT = 'apt-get install -y docker.io docker-compose debootstrap nftables';

/** The path of an executable on PATH (the test runs each by name), or undefined. */
export function findCommand(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there: the next directory
    }
  }
  return undefined;
}

/**
 * The Compose client to use: `docker compose` (v2) where the plugin is installed, `docker-compose`
 * (v1, Debian's) otherwise; undefined when neither is.
 */
export function findCompose(env = process.env) {
  const docker = findCommand('docker', env);
  if (docker && spawnSync(docker, ['compose', 'version'], { encoding: 'utf8', env }).status === 0) return [docker, 'compose'];
  const v1 = findCommand('docker-compose', env);
  return v1 ? [v1] : undefined;
}

/** Whether the iptables on PATH drives nf_tables (Debian's default) rather than the legacy tables. */
export function iptablesBackend(env = process.env) {
  const iptables = findCommand('iptables', env);
  if (!iptables) return undefined;
  const version = spawnSync(iptables, ['--version'], { encoding: 'utf8', env }).stdout ?? '';
  return version.includes('nf_tables') ? 'nft' : 'legacy';
}

/** Why the Docker engine test cannot run on this machine; empty when it can. */
export function dockerTestBlockers(env = process.env) {
  if (process.platform !== 'linux') return [`it needs Linux (this is ${process.platform})`];
  const blockers = [];
  if (process.getuid?.() !== 0) blockers.push('it needs root (it starts dockerd, runs debootstrap and sets up a network bridge)');
  const missing = ['dockerd', 'containerd', 'runc', 'docker', 'debootstrap', 'ip', 'iptables', 'npm'].filter(
    (name) => !findCommand(name, env),
  );
  if (!findCompose(env)) missing.push('docker-compose (or the docker compose plugin)');
  if (iptablesBackend(env) === 'nft' && !findCommand('nft', env)) missing.push('nft (to restore the firewall rules dockerd adds)');
  if (missing.length > 0) blockers.push(`missing: ${missing.join(', ')} (${INSTALL_HINT})`);
  return blockers;
}
