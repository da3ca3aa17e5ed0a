import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Appends the command line and both output streams to this file (long builds: the log, not the test output). */
  log?: string;
  /** Kills the command after this long (SIGKILL) and fails. */
  timeoutMs?: number;
  /** A non-zero exit is an error unless this is false. */
  check?: boolean;
}

/** The last lines of a text, for an error message. */
export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export class CommandError extends Error {
  constructor(
    readonly commandLine: string,
    readonly result: RunResult,
    reason: string,
  ) {
    super(`${commandLine}: ${reason}\n${tail(`${result.stdout}\n${result.stderr}`)}`);
    this.name = 'CommandError';
  }
}

/** Runs a command to completion, without a shell, and collects its output. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const commandLine = [command, ...args].join(' ');
  if (options.log) appendFileSync(options.log, `\n$ ${commandLine}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.log) appendFileSync(options.log, chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (options.log) appendFileSync(options.log, chunk);
    });
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr };
      if (timedOut) reject(new CommandError(commandLine, result, `killed after ${options.timeoutMs} ms`));
      else if (code !== 0 && options.check !== false) reject(new CommandError(commandLine, result, `exit code ${code}`));
      else resolve(result);
    });
  });
}
