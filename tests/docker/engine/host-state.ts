// What a Docker engine changes on the host, recorded before it starts and put back after it stopped:
// network links (its bridges and veths), firewall rules (nf_tables through nft, or legacy iptables),
// the forwarding sysctls, and the directories it creates outside its own data and exec roots.
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { findCommand, iptablesBackend } from '../../../scripts/docker/prerequisites.mjs';
import { run } from './run.js';

export interface HostSnapshot {
  links: string[];
  firewall: { backend: 'nft'; tables: Record<string, string> } | { backend: 'legacy'; dump: string } | { backend: 'none' };
  sysctls: Record<string, string>;
  /** Paths dockerd may create outside its roots, and whether each existed. */
  paths: Record<string, boolean>;
}

const SYSCTLS = [
  'net/ipv4/ip_forward',
  'net/ipv6/conf/all/forwarding',
  'net/bridge/bridge-nf-call-iptables',
  'net/bridge/bridge-nf-call-ip6tables',
];
/** Links a Docker engine makes: its bridge (named by the caller), one bridge per network, the containers' veths. */
const ENGINE_LINK = /^(br-[0-9a-f]{12}|veth[0-9a-f]+|docker0)$/;

function watchedPaths(): string[] {
  const cgroupRoot = '/sys/fs/cgroup';
  const cgroups = existsSync(cgroupRoot) ? readdirSync(cgroupRoot).map((controller) => `${cgroupRoot}/${controller}/docker`) : [];
  return ['/etc/docker/key.json', '/run/docker/plugins', '/run/docker', '/var/lib/docker', `${cgroupRoot}/docker`, ...cgroups];
}

async function links(): Promise<string[]> {
  const { stdout } = await run('ip', ['-o', 'link', 'show']);
  return stdout
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

async function nftTables(): Promise<Record<string, string>> {
  const { stdout } = await run('nft', ['list', 'tables']);
  const tables: Record<string, string> = {};
  for (const table of stdout.split('\n').filter((line) => line.startsWith('table '))) {
    const [, family, name] = table.split(' ');
    // Stateless: without the counters, which move on their own.
    tables[`${family} ${name}`] = (await run('nft', ['-s', 'list', 'table', family!, name!])).stdout;
  }
  return tables;
}

/** iptables-save without its comments and counters. */
async function iptablesDump(): Promise<string> {
  const { stdout } = await run('iptables-save', []);
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\[\d+:\d+\]/g, '[0:0]'))
    .join('\n');
}

export async function snapshotHost(): Promise<HostSnapshot> {
  const backend = iptablesBackend();
  const firewall: HostSnapshot['firewall'] =
    backend === 'nft' && findCommand('nft')
      ? { backend: 'nft', tables: await nftTables() }
      : backend === 'legacy'
        ? { backend: 'legacy', dump: await iptablesDump() }
        : { backend: 'none' };
  const sysctls: Record<string, string> = {};
  for (const key of SYSCTLS) {
    const file = `/proc/sys/${key}`;
    if (existsSync(file)) sysctls[key] = readFileSync(file, 'utf8').trim();
  }
  return { links: await links(), firewall, sysctls, paths: Object.fromEntries(watchedPaths().map((path) => [path, existsSync(path)])) };
}

/** Why a Docker engine of the test's own must not start on this host now; undefined when it may. */
export function engineConflict(snapshot: HostSnapshot): string | undefined {
  const rules =
    snapshot.firewall.backend === 'nft'
      ? Object.values(snapshot.firewall.tables).join('\n')
      : snapshot.firewall.backend === 'legacy'
        ? snapshot.firewall.dump
        : '';
  if (/\bDOCKER\b/.test(rules)) {
    return 'the firewall already holds Docker chains (another Docker engine runs or ran here): a second engine would share and rewrite them';
  }
  if (snapshot.links.includes('docker0')) return 'a docker0 bridge exists (another Docker engine runs or ran here)';
  return undefined;
}

/**
 * Puts back what the engine changed, once it has stopped: removes the links it made (and `ownBridge`),
 * its firewall tables or rules, the directories it created; resets the sysctls.
 */
export async function restoreHost(before: HostSnapshot, ownBridge: string): Promise<void> {
  for (const link of await links()) {
    if (before.links.includes(link)) continue;
    if (link === ownBridge || ENGINE_LINK.test(link)) await run('ip', ['link', 'delete', link], { check: false });
  }
  const firewall = before.firewall;
  if (firewall.backend === 'nft') {
    const now = await nftTables();
    for (const [table, text] of Object.entries(now)) {
      if (firewall.tables[table] === text) continue;
      await run('nft', ['delete', 'table', ...table.split(' ')]);
      const original = firewall.tables[table];
      if (original !== undefined) {
        const file = `/tmp/order-system-nft-${process.pid}.nft`;
        writeFileSync(file, original);
        try {
          await run('nft', ['-f', file]);
        } finally {
          rmSync(file, { force: true });
        }
      }
    }
  } else if (firewall.backend === 'legacy') {
    if ((await iptablesDump()) !== firewall.dump) {
      // The tables the dump names are flushed and restored; Docker's chains in others are removed.
      const tablesBefore = new Set([...firewall.dump.matchAll(/^\*(\w+)$/gm)].map((m) => m[1]));
      for (const table of ['filter', 'nat', 'mangle', 'raw'].filter((t) => !tablesBefore.has(t))) {
        await run('iptables', ['-t', table, '-F'], { check: false });
        await run('iptables', ['-t', table, '-X'], { check: false });
      }
      const file = `/tmp/order-system-iptables-${process.pid}.rules`;
      writeFileSync(file, `${firewall.dump}\n`);
      try {
        await run('iptables-restore', [file]);
      } finally {
        rmSync(file, { force: true });
      }
    }
  }
  for (const [key, value] of Object.entries(before.sysctls)) {
    const file = `/proc/sys/${key}`;
    if (readFileSync(file, 'utf8').trim() !== value) writeFileSync(file, value);
  }
  // Deepest first: /run/docker/plugins before /run/docker. Directories only when empty (cgroups: no task left).
  for (const path of Object.keys(before.paths).sort((a, b) => b.length - a.length)) {
    if (before.paths[path] || !existsSync(path)) continue;
    if (path.endsWith('.json')) rmSync(path, { force: true });
    else {
      try {
        rmdirSync(path);
      } catch {
        // not empty: reported by compareHost
      }
    }
  }
}

/** What differs between two snapshots, one line each; empty when the host is as it was. */
export function compareHost(before: HostSnapshot, after: HostSnapshot): string[] {
  const differences: string[] = [];
  const added = after.links.filter((link) => !before.links.includes(link));
  const removed = before.links.filter((link) => !after.links.includes(link));
  if (added.length > 0) differences.push(`network links added: ${added.join(', ')}`);
  if (removed.length > 0) differences.push(`network links gone: ${removed.join(', ')}`);
  if (JSON.stringify(before.firewall) !== JSON.stringify(after.firewall)) {
    differences.push(
      `firewall rules differ:\n--- before\n${JSON.stringify(before.firewall, null, 1)}\n--- after\n${JSON.stringify(after.firewall, null, 1)}`,
    );
  }
  for (const [key, value] of Object.entries(before.sysctls)) {
    if (after.sysctls[key] !== value) differences.push(`${key} is ${after.sysctls[key]}, was ${value}`);
  }
  for (const [path, existed] of Object.entries(before.paths)) {
    if (after.paths[path] !== existed) differences.push(`${path} ${existed ? 'is gone' : 'was created'}`);
  }
  return differences;
}
