import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

export type ReadmeSessionResult = { code: number | null; stdout: string; stderr: string };

/** The README's curl session: the bash block between the curl-session markers. */
export function readmeSession(repoRoot: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const match = /<!-- curl-session:start -->\s*```bash\n([\s\S]*?)```\s*<!-- curl-session:end -->/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no curl session between <!-- curl-session:start --> and <!-- curl-session:end -->');
  return match[1];
}

/**
 * Runs the session with bash against the services at the given URLs: -e and pipefail, so any step
 * that fails (a missing field, a curl error) stops it. No stdin: on a socket bash would read ~/.bashrc.
 * `env` adds to the session's environment (JWT_SECRET, when the services run with a secret of their own).
 */
export function runReadmeSession(
  repoRoot: string,
  urls: { order: string; product: string; payment: string },
  env: Record<string, string> = {},
): Promise<ReadmeSessionResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', readmeSession(repoRoot)], {
      env: { PATH: process.env.PATH ?? '', ORDER_URL: urls.order, PRODUCT_URL: urls.product, PAYMENT_URL: urls.payment, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * What the session, run against fresh services, must print, step after step; `orderUrl` is the
 * address it reached the order service at, which the page links must name (port included, through
 * a load balancer too). Returns the id of the order the session placed.
 */
export function expectReadmeSessionAnswers(result: ReadmeSessionResult, orderUrl: string): string {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout.trim().split(/\r?\n/);
  expect(lines.slice(0, 2)).toEqual(['HTTP/1.1 201 Created', 'Idempotent-Replayed: true']);
  const order = JSON.parse(lines[2] ?? '') as { id: string };
  expect(order).toMatchObject({ status: 'PAID', total_amount: '50.00', payment_status: 'COMPLETED' });
  expect(JSON.parse(lines[3] ?? '')).toMatchObject({ status: 'COMPLETED', amount: '50.00', order_id: order.id });
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
  const base = orderUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  expect(lines[13]).toMatch(new RegExp(`^Link: <${base}/api/orders/\\?limit=2&offset=0>; rel="first", <${base}/.*offset=2>; rel="next"`));
  // The cart: two lamps at 25.00, checked out PAID, the cart empty after, shipped and tracked.
  expect(lines.slice(14)).toEqual(['50.00', 'PAID', '[]', 'SHIPPED', '1Z999AA10123456784']);
  return order.id;
}
