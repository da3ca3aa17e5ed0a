// A Docker engine of the test's own: dockerd as root on its own socket, exec root and bridge, its
// images and build cache in a data root that is kept between runs (the cache folder). Whatever it
// changes on the host (links, firewall rules, sysctls) is recorded before it starts and put back
// after it stops; stop() answers what still differs, if anything.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareHost, engineConflict, type HostSnapshot, restoreHost, snapshotHost } from './host-state.js';
import { type RunOptions, type RunResult, run, tail } from './run.js';

/** The engine's own bridge (the default network, for builds and `docker run`) and its address. */
const BRIDGE = 'ordersys-test0';
const BRIDGE_ADDRESS = '172.29.255.1/24';
/** Where the networks Compose creates take their subnets. */
const ADDRESS_POOL = '172.30.0.0/16';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;

export interface DockerEngine {
  /** The environment for docker and Compose clients of this engine (DOCKER_HOST, DOCKER_CONFIG). */
  readonly env: NodeJS.ProcessEnv;
  docker(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Removes every container, network and volume, stops dockerd, restores the host; the differences that remain. */
  stop(): Promise<string[]>;
}

/** IPv4 CIDR overlap, for the subnets the engine takes against the host's. */
function overlaps(a: string, b: string): boolean {
  const parse = (cidr: string) => {
    const [address, bits = '32'] = cidr.split('/');
    const value = address!.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(bits));
    return [value - (value % size), value - (value % size) + size] as const;
  };
  const [a0, a1] = parse(a);
  const [b0, b1] = parse(b);
  return a0 < b1 && b0 < a1;
}

async function hostSubnets(): Promise<string[]> {
  const { stdout } = await run('ip', ['-4', '-o', 'route', 'show', 'table', 'all']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ').find((word) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(word)))
    .filter((subnet): subnet is string => subnet !== undefined && subnet !== '0.0.0.0/0');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A run that was killed before it could stop its engine left the engine's changes on the host, and
 * the snapshot taken before it started in the cache folder: put the host back with it.
 */
async function recoverAbandonedRun(cacheDir: string, say: (line: string) => void): Promise<void> {
  const pidfile = join(cacheDir, 'dockerd.pid');
  const snapshotFile = join(cacheDir, 'host-before.json');
  if (existsSync(pidfile)) {
    const pid = Number(readFileSync(pidfile, 'utf8'));
    if (pid > 0 && isAlive(pid)) {
      throw new Error(`dockerd ${pid} of an earlier run still uses ${cacheDir}: another test run is going on (or stop it: kill ${pid})`);
    }
  }
  if (existsSync(snapshotFile)) {
    say('an earlier run ended without stopping its engine: putting the host back as it was before that run');
    await restoreHost(JSON.parse(readFileSync(snapshotFile, 'utf8')) as HostSnapshot, BRIDGE);
    rmSync(snapshotFile);
  }
}

export async function startDockerEngine(cacheDir: string, say: (line: string) => void): Promise<DockerEngine> {
  mkdirSync(join(cacheDir, 'logs'), { recursive: true });
  await recoverAbandonedRun(cacheDir, say);
  const before = await snapshotHost();
  const conflict = engineConflict(before);
  if (conflict) throw new Error(`cannot start a Docker engine of the test's own: ${conflict}`);
  if (before.links.includes(BRIDGE)) throw new Error(`a link named ${BRIDGE} exists already`);
  for (const subnet of await hostSubnets()) {
    for (const ours of [BRIDGE_ADDRESS, ADDRESS_POOL]) {
      if (overlaps(subnet, ours)) throw new Error(`the host routes ${subnet}, which overlaps ${ours} that the test's engine would use`);
    }
  }
  writeFileSync(join(cacheDir, 'host-before.json'), JSON.stringify(before));

  // A short path: containerd's sockets live under the exec root.
  const runDir = mkdtempSync('/tmp/ordersys-docker-');
  const socket = join(runDir, 'docker.sock');
  const logFile = join(cacheDir, 'logs', 'dockerd.log');
  const config = {
    hosts: [`unix://${socket}`],
    'data-root': join(cacheDir, 'data-root'),
    'exec-root': join(runDir, 'exec'),
    pidfile: join(cacheDir, 'dockerd.pid'),
    // Its identity key in the run directory, not in the host's /etc/docker.
    'deprecated-key-path': join(runDir, 'key.json'),
    bridge: BRIDGE,
    'default-address-pools': [{ base: ADDRESS_POOL, size: 24 }],
    'storage-driver': 'overlay2',
    'log-level': 'warn',
  };
  writeFileSync(join(runDir, 'daemon.json'), JSON.stringify(config, null, 2));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: `unix://${socket}`,
    // The clients' own settings in the run directory, not in ~/.docker.
    DOCKER_CONFIG: join(runDir, 'client'),
  };
  const docker = (args: string[], options: RunOptions = {}) => run('docker', args, { ...options, env: { ...env, ...options.env } });

  let dockerd: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const stop = async (): Promise<string[]> => {
    if (dockerd && dockerd.exitCode === null && dockerd.signalCode === null) {
      const containers = (await docker(['ps', '-aq'], { check: false })).stdout.split('\n').filter(Boolean);
      if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers], { check: false });
      await docker(['network', 'prune', '-f'], { check: false });
      await docker(['volume', 'prune', '-f'], { check: false });
      // The build cache of earlier builds that nothing uses any more, once it is a week old: the cache
      // folder does not grow without end, and the last builds stay cached.
      await docker(['image', 'prune', '-f', '--filter', 'until=168h'], { check: false });
      dockerd.kill('SIGTERM');
      const killer = setTimeout(() => dockerd?.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(killer);
    }
    // Mounts the engine may have left under its roots (a killed dockerd does not unmount).
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((point) => point.startsWith(`${runDir}/`) || point.startsWith(`${config['data-root']}/`))
      .reverse();
    for (const point of mounts) await run('umount', ['-l', point], { check: false });
    await restoreHost(before, BRIDGE);
    rmSync(runDir, { recursive: true, force: true });
    const differences = compareHost(before, await snapshotHost());
    if (differences.length === 0) rmSync(join(cacheDir, 'host-before.json'), { force: true });
    return differences;
  };

  try {
    await run('ip', ['link', 'add', 'name', BRIDGE, 'type', 'bridge']);
    await run('ip', ['addr', 'add', BRIDGE_ADDRESS, 'dev', BRIDGE]);
    await run('ip', ['link', 'set', BRIDGE, 'up']);
    const log = openSync(logFile, 'a');
    dockerd = spawn('dockerd', ['--config-file', join(runDir, 'daemon.json')], { stdio: ['ignore', log, log] });
    closeSync(log);
    const child = dockerd;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`dockerd exited (${child.exitCode ?? child.signalCode}):\n${tail(readFileSync(logFile, 'utf8'))}`);
      }
      if ((await docker(['version', '--format', '{{.Server.Version}}'], { check: false })).code === 0) break;
      if (Date.now() > deadline)
        throw new Error(`dockerd did not answer within ${START_TIMEOUT_MS} ms:\n${tail(readFileSync(logFile, 'utf8'))}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (err) {
    const differences = await stop();
    if (differences.length > 0) say(`the host could not be put back as it was:\n${differences.join('\n')}`);
    throw err;
  }
  return { env, docker, stop };
}
