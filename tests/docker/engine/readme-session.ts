import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
 */
export function runReadmeSession(
  repoRoot: string,
  urls: { order: string; product: string; payment: string },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', readmeSession(repoRoot)], {
      env: { PATH: process.env.PATH ?? '', ORDER_URL: urls.order, PRODUCT_URL: urls.product, PAYMENT_URL: urls.payment },
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
