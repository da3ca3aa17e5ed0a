import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, TEST_JWT_SECRET } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';

/** The README's curl session: the bash block between the curl-session markers. */
function readmeSession(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const match = /<!-- curl-session:start -->\s*```bash\n([\s\S]*?)```\s*<!-- curl-session:end -->/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no curl session between <!-- curl-session:start --> and <!-- curl-session:end -->');
  return match[1];
}

function runBash(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // -e and pipefail: any step that fails (a missing field, a curl error) stops the session.
    // No stdin: on a socket (Node's pipes are socketpairs) bash would read ~/.bashrc as for a remote shell.
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the curl session of the README', () => {
  let trio: Trio;

  beforeAll(async () => {
    // The credentials the session uses are the development defaults, as after a fresh npm start.
    trio = await startTrio({ productEnv: { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'admin-dev-password' } });
  });

  afterAll(async () => {
    await trio?.stop();
  });

  it('runs as written against a fresh trio, step after step', async () => {
    const result = await runBash(readmeSession(), {
      ORDER_URL: trio.order.url,
      PRODUCT_URL: trio.product.url,
      PAYMENT_URL: trio.payment.url,
      // The secret the trio runs with, which the session signs its customer token with.
      JWT_SECRET: TEST_JWT_SECRET,
    });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split(/\r?\n/);
    expect(lines.slice(0, 2)).toEqual(['HTTP/1.1 201 Created', 'Idempotent-Replayed: true']);
    expect(JSON.parse(lines[2] ?? '')).toMatchObject({ status: 'PAID', total_amount: '50.00', payment_status: 'COMPLETED' });
    expect(JSON.parse(lines[3] ?? '')).toMatchObject({ status: 'COMPLETED', amount: '50.00' });
    expect(lines.slice(4, 13)).toEqual([
      '3',
      'REFUNDED',
      'REFUNDED',
      '5',
      'SHIPPED',
      'DELIVERED',
      'invalid_status_transition',
      expect.stringMatching(/^Product \d+ is out of stock$/),
      'X-Total-Count: 3',
    ]);
    expect(lines[13]).toMatch(/^Link: <.*limit=2&offset=0>; rel="first", <.*offset=2>; rel="next"/);
    // The cart: two lamps at 25.00, checked out PAID, the cart empty after, shipped and tracked.
    expect(lines.slice(14)).toEqual(['50.00', 'PAID', '[]', 'SHIPPED', '1Z999AA10123456784']);
    // About 15 node and curl processes one after the other: seconds on a busy machine.
  }, 90_000);
});
