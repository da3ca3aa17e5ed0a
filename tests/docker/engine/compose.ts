import { findCompose } from '../../../scripts/docker/prerequisites.mjs';
import type { DockerEngine } from './docker-engine.js';
import { type RunOptions, type RunResult, run } from './run.js';

export interface ComposeProject {
  /** `docker compose` (v2) or `docker-compose` (v1), as found. */
  readonly client: string;
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  /** The host address and port a service's container port is published on, as http://host:port. */
  url(service: string, port: number): Promise<string>;
  /** The id of a service's container. */
  container(service: string): Promise<string>;
}

/**
 * A Compose project of `file` in `dir`, driven against the test's engine. `envFile` takes the place
 * of the project's .env (a developer's own .env never leaks into the test); `env` is the shell
 * environment Compose sees, which wins over the env file, as in a user's shell.
 */
export function composeProject(
  engine: DockerEngine,
  options: { dir: string; file: string; project: string; envFile: string; env: Record<string, string>; log: string },
): ComposeProject {
  const [command, ...prefix] = findCompose(engine.env) ?? ['docker-compose'];
  const runCompose = (args: string[], runOptions: RunOptions = {}) =>
    run(command!, [...prefix, '--env-file', options.envFile, '-p', options.project, '-f', options.file, ...args], {
      cwd: options.dir,
      log: options.log,
      ...runOptions,
      env: { ...engine.env, ...options.env, ...runOptions.env },
    });
  return {
    client: [command, ...prefix].join(' '),
    run: runCompose,
    async url(service, port) {
      const { stdout } = await runCompose(['port', service, String(port)]);
      const address = stdout.trim().split('\n').at(-1) ?? '';
      if (!/^[\d.]+:\d+$/.test(address))
        throw new Error(`${service}:${port} is not published (compose port says ${JSON.stringify(stdout)})`);
      return `http://${address}`;
    },
    async container(service) {
      const { stdout } = await runCompose(['ps', '-q', service]);
      const id = stdout.trim().split('\n').at(-1);
      if (!id) throw new Error(`no container for ${service}`);
      return id;
    },
  };
}
