// Runs the three services as child processes of the launcher: product and payment first, then
// order once both listen. Every way out stops every process it started before the launcher exits:
// a service that fails to start or dies, a signal (while starting or after), or the launcher's
// own parent going away. A service that does not stop in time is killed.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { watchParent } from './parent-watch.mjs';

const START_TIMEOUT_MS = 60_000;
/** How long past its own SHUTDOWN_TIMEOUT_MS a stopping service gets before it is killed. */
const STOP_MARGIN_MS = 5_000;
const DEFAULT_PORTS = { order: 8000, product: 8001, payment: 8002 };
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

class LaunchError extends Error {}

/** Node's flags that run a TypeScript file of the workspace, with the workspace packages' sources. */
export const TSX_FLAGS = ['--conditions=@order-system/source', '--import', 'tsx'];

/**
 * Each service reads PORT and DATABASE_URL; one environment cannot hold three of each, so the
 * launcher sets them per service from PRODUCT_PORT, ORDER_DATABASE_URL, ... (0 = any free port).
 */
function serviceSettings(env) {
  return ['product', 'payment', 'order'].map((name) => {
    const upper = name.toUpperCase();
    const raw = env[`${upper}_PORT`] || String(DEFAULT_PORTS[name]);
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port > 65535)
      throw new LaunchError(`${upper}_PORT must be a port number (0-65535), got ${JSON.stringify(raw)}`);
    return { name, port, databaseUrl: env[`${upper}_DATABASE_URL`] || `file:./data/${name}.db` };
  });
}

/** How the services start: the compiled JavaScript, or the TypeScript sources through tsx. */
export function entryArgs(runtime, name) {
  if (runtime === 'compiled') return [join('services', name, 'dist', 'main.js')];
  return [...TSX_FLAGS, join('services', name, 'src', 'main.ts')];
}

/**
 * Starts the services and resolves when the launcher should exit, with its exit code.
 * `formatLine` turns one line of a service's stdout into the text to print; null: the services write
 * to the launcher's stdout directly.
 */
export function startAll({ root, runtime, env, formatLine }) {
  const say = (message) => process.stdout.write(`[launcher] ${message}\n`);
  const warn = (message) => process.stderr.write(`[launcher] ${message}\n`);
  // A reader that went away (`npm start | head`) must not stop the launcher before the services.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});

  let settings;
  try {
    settings = serviceSettings(env);
  } catch (err) {
    warn(err.message);
    return Promise.resolve(2);
  }
  const host = env.HOST ?? '';
  const reachHost = WILDCARD_HOSTS.has(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const stopDeadlineMs = (Number(env.SHUTDOWN_TIMEOUT_MS) || 10_000) + STOP_MARGIN_MS;
  /** Every process started, in start order: { name, child, port, closed }. */
  const started = [];
  const portOf = (name) => started.find((s) => s.name === name)?.port ?? settings.find((s) => s.name === name).port;
  let phase = 'starting';
  let exitCode = 0;
  let unwatchParent = () => {};
  let finish;
  const finished = new Promise((resolve) => {
    finish = resolve;
  });

  async function stopEverything(code, reason) {
    if (phase === 'stopping') return;
    phase = 'stopping';
    exitCode = code;
    unwatchParent();
    if (reason) (code === 0 ? say : warn)(`${reason}; stopping the services...`);
    // The order service first: it may still be calling the other two for a request in flight.
    for (const group of [started.filter((s) => s.name === 'order'), started.filter((s) => s.name !== 'order')]) {
      await Promise.all(group.map(stopOne));
    }
    finish(exitCode);
  }

  async function stopOne(service) {
    const { child } = service;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => {
      warn(`${service.name} did not stop within ${stopDeadlineMs} ms; killing it`);
      child.kill('SIGKILL');
    }, stopDeadlineMs);
    await service.closed;
    clearTimeout(killer);
  }

  function startOne({ name, port, databaseUrl }) {
    // Checked right before spawning: nothing is started once stopping has begun.
    if (phase !== 'starting') return Promise.reject(new LaunchError('stopping'));
    const child = spawn(process.execPath, entryArgs(runtime, name), {
      cwd: root,
      env: {
        ...env,
        PORT: String(port),
        // Named in the service's message when the port is busy: the variable the user would change.
        LAUNCHER_PORT_VARIABLE: `${name.toUpperCase()}_PORT`,
        DATABASE_URL: databaseUrl,
        PRODUCT_SERVICE_URL: `http://${reachHost}:${portOf('product')}`,
        PAYMENT_SERVICE_URL: `http://${reachHost}:${portOf('payment')}`,
      },
      // The IPC channel tells the launcher when the service listens, and the service when the launcher is gone.
      stdio: ['ignore', formatLine ? 'pipe' : 'inherit', 'inherit', 'ipc'],
    });
    const service = { name, child, port: undefined, closed: new Promise((resolve) => child.once('close', resolve)) };
    started.push(service);
    say(`${name}: started, pid ${child.pid}`);
    if (formatLine) forwardLines(child.stdout, formatLine);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new LaunchError(`${name} did not start within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      child.on('message', (message) => {
        if (message?.type !== 'listening' || service.port !== undefined) return;
        clearTimeout(timer);
        service.port = message.port;
        resolve();
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new LaunchError(`${name} could not be started: ${err.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const how = signal ?? `exit code ${code}`;
        if (service.port === undefined) reject(new LaunchError(`${name} exited (${how}) before it was listening`));
        else if (phase !== 'stopping') stopEverything(1, `${name} exited (${how})`);
      });
    });
  }

  const onSignal = (signal) => {
    // After a clean start a signal is the normal way to stop (exit 0); while starting it is an interruption.
    stopEverything(phase === 'running' ? 0 : 128 + constants.signals[signal], `${signal} received`);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
  unwatchParent = watchParent(() => stopEverything(1, 'the process that started the launcher is gone'));

  const byName = (name) => settings.find((s) => s.name === name);
  Promise.all([startOne(byName('product')), startOne(byName('payment'))])
    .then(() => startOne(byName('order')))
    .then(() => {
      if (phase !== 'starting') return;
      phase = 'running';
      const lines = ['order', 'product', 'payment'].map(
        (name) => `  ${name.padEnd(8)} http://localhost:${portOf(name)}/api/${name}s/   (docs: http://localhost:${portOf(name)}/docs)`,
      );
      say(['order-system is running:', ...lines, 'Admin token: npm run token -- --role admin    Stop: Ctrl-C'].join('\n'));
    })
    .catch((err) => {
      if (phase === 'stopping') return;
      stopEverything(1, err instanceof LaunchError ? err.message : `launcher failure: ${err.stack ?? err}`);
    });

  return finished;
}

/**
 * Prints a service's log lines, formatted, with one write for all the whole lines a read brings (a
 * busy service logs thousands of lines a second; a write each would cost the launcher a system call
 * each). A line is never split between writes, so the services' lines never interleave.
 */
function forwardLines(stream, formatLine) {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const text = partial + chunk;
    const end = text.lastIndexOf('\n');
    if (end === -1) {
      partial = text;
      return;
    }
    partial = text.slice(end + 1);
    process.stdout.write(
      text
        .slice(0, end)
        .split('\n')
        .map((line) => formatLine(line.endsWith('\r') ? line.slice(0, -1) : line))
        .join(''),
    );
  });
  stream.on('end', () => {
    if (partial !== '') process.stdout.write(formatLine(partial));
  });
}
