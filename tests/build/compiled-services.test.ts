// The build (`npm run build`) as production runs it: each service's compiled JavaScript under
// plain `node`, with no TypeScript loader, importing only its production dependencies.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { buildWorkspace, REPO_ROOT, tempDatabaseUrl, waitFor } from '@order-system/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const SERVICES = ['product', 'payment', 'order'] as const;
const BUILT_PACKAGES = ['packages/platform', 'packages/contracts', ...SERVICES.map((name) => `services/${name}`)];

beforeAll(buildWorkspace, 600_000);

const started: ChildProcess[] = [];

afterEach(() => {
  // A failed test must not leave a service running (or, before the logger fix, spinning).
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Compiled {
  child: ChildProcess;
  port: number;
  lines: string[];
}

/** `node services/<name>/dist/main.js` with nothing but the service's own settings. */
async function startCompiled(name: (typeof SERVICES)[number]): Promise<Compiled> {
  const child = spawn(process.execPath, [join('services', name, 'dist', 'main.js')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: tempDatabaseUrl(name),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const port = await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${lines.join('\n')}`);
    const listening = lines.map((line) => line.match(/"port":(\d+).*"msg":"listening"/)).find(Boolean);
    return listening ? Number(listening[1]) : undefined;
  }, 60_000);
  return { child, port, lines };
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

/** Every module specifier a compiled file imports, statically or dynamically. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g)].map((m) => m[1]!);
}

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the compiled services', { timeout: 120_000 }, () => {
  it.each(SERVICES)(
    '%s runs from dist with plain node: migrates a new database, answers /health and /ready, stops on SIGTERM',
    async (name) => {
      const service = await startCompiled(name);

      const health = await fetch(`http://127.0.0.1:${service.port}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', service: name });
      const ready = await fetch(`http://127.0.0.1:${service.port}/ready`);
      expect(ready.status).toBe(200);
      expect(service.lines.join('\n')).toContain('"msg":"migration applied"');

      const exited = once(service.child, 'exit');
      service.child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
    },
  );

  it('stops on SIGTERM when nobody reads its stdout any more (a killed launcher or log shipper)', async () => {
    const service = await startCompiled('product');
    const exited = once(service.child, 'exit');
    service.child.stdout!.destroy();

    service.child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });

  it('imports nothing but node built-ins, its own compiled files and the production dependencies of its package', () => {
    const problems: string[] = [];
    for (const pkg of BUILT_PACKAGES) {
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const dependencies = Object.keys(manifest.dependencies ?? {});
      const files = jsFiles(join(REPO_ROOT, pkg, 'dist'));
      expect(files.length, `${pkg}/dist is empty`).toBeGreaterThan(0);
      for (const file of files) {
        for (const specifier of importsOf(file)) {
          if (specifier.startsWith('.')) {
            const target = resolve(dirname(file), specifier);
            if (!specifier.endsWith('.js') || !existsSync(target)) problems.push(`${file}: ${specifier} is not a compiled file`);
          } else if (!isBuiltin(specifier) && !dependencies.includes(packageName(specifier))) {
            problems.push(`${file}: ${specifier} is not among the dependencies of ${pkg}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('resolves the workspace packages to their dist by default and to their TypeScript sources under the source condition', () => {
    const resolveFrom = (flags: string[]) =>
      spawnSync(process.execPath, [...flags, '--input-type=module', '-e', "console.log(import.meta.resolve('@order-system/platform'))"], {
        cwd: join(REPO_ROOT, 'services', 'order'),
        encoding: 'utf8',
      }).stdout.trim();

    expect(resolveFrom([])).toMatch(/\/packages\/platform\/dist\/index\.js$/);
    expect(resolveFrom(['--conditions=@order-system/source'])).toMatch(/\/packages\/platform\/src\/index\.ts$/);
  });
});
