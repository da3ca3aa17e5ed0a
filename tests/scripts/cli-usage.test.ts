import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@order-system/testing';
import { describe, expect, it } from 'vitest';

// The token and bench scripts as a user types them: a request for help, or a wrong option, is
// answered with the usage, never with a stack trace.
const TSX = ['--conditions=@order-system/source', '--import', 'tsx'];

function script(name: 'token' | 'bench', args: string[]) {
  return spawnSync(process.execPath, [...TSX, join('scripts', `${name}.ts`), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
}

describe.each(['token', 'bench'] as const)('npm run %s', (name) => {
  it('when asked for --help, then it prints the usage and exits 2', () => {
    const result = script(name, ['--help']);

    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(new RegExp(`^usage: npm run ${name} -- `));
    expect(result.stderr).toBe('');
  });

  it('when given an unknown option, then it names it, prints the usage and exits 2', () => {
    const result = script(name, ['--nope']);

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^${name}: unknown option --nope\\n\\nusage: npm run ${name} -- `));
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(result.stdout).toBe('');
  });

  it('when given an argument without its option, then it explains that npm wants -- before options, and exits 2', () => {
    const result = script(name, ['customer']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${name}: unexpected argument "customer": npm passes options to a script only after --`);
  });
});

describe('npm run token --role customer (without --)', () => {
  it('when npm keeps --role for itself, then the script says to put it after -- and exits 2', () => {
    const result = spawnSync('npm', ['run', 'token', '--role', 'customer'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, ORDER_SYSTEM_NO_INSTALL: '1' },
    });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('npm passes options to a script only after -- (npm run token -- --option value)');
    expect(result.stderr).toContain('usage: npm run token -- [--role admin|customer|service]');
    expect(result.stderr).not.toContain('ERR_PARSE_ARGS');
  });

  it('when the options follow --, then it prints a token', () => {
    const result = spawnSync('npm', ['run', '--silent', 'token', '--', '--role', 'customer'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, ORDER_SYSTEM_NO_INSTALL: '1' },
    });

    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
