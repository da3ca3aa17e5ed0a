// Measures each service's cold start (spawn until the first successful GET /health) and its
// resident memory once started, run from the TypeScript sources through tsx and compiled with
// plain node. Each run starts on a new, empty SQLite file (so it includes the migrations).
//   npm run build && node scripts/measure-startup.mjs [--runs 3]
// Only loopback addresses; every loop is bounded.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { entryArgs } from './launcher/start-all.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Math.min(Math.max(Number(values.runs) || 3, 1), 20);
const READY_TIMEOUT_MS = 60_000;
/** Memory is read this long after the first answer, once start-up work has settled. */
const SETTLE_MS = 1000;

/** Started as the launcher starts them: `npm run dev`, `npm start`. */
const RUNTIMES = ['tsx', 'compiled'];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/^VmRSS:\s+(\d+) kB/m)[1]) / 1024;
}

async function measure(runtime, name) {
  const dir = mkdtempSync(join(tmpdir(), 'measure-startup-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, entryArgs(runtime, name), {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `file:${join(dir, `${name}.db`)}`,
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} (${runtime}) exited with ${child.exitCode}`);
      if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`${name} (${runtime}) did not answer in time`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) break;
      await sleep(10);
    }
    const coldStartMs = performance.now() - started;
    await sleep(SETTLE_MS);
    return { coldStartMs, rssMb: rssMb(child.pid) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs, digits) => `${median(xs).toFixed(digits)} (${xs.map((x) => x.toFixed(digits)).join(', ')})`;

console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${RUNS} runs each, median (runs)`,
);
console.log('| service | runtime | cold start, ms | RSS after start, MB |');
console.log('| --- | --- | --- | --- |');
for (const name of ['product', 'payment', 'order']) {
  for (const runtime of RUNTIMES) {
    const runs = [];
    // Alternating would interleave caches; each runtime's runs go one after the other.
    for (let i = 0; i < RUNS; i++) runs.push(await measure(runtime, name));
    console.log(
      `| ${name} | ${runtime} | ${fmt(
        runs.map((r) => r.coldStartMs),
        0,
      )} | ${fmt(
        runs.map((r) => r.rssMb),
        1,
      )} |`,
    );
  }
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
