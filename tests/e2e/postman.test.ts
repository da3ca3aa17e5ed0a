import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, TEST_JWT_SECRET } from '@order-system/testing';
import newman, { type NewmanRunSummary } from 'newman';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';

/**
 * The Postman collection of docs/postman, run with newman against real trios: the whole story
 * against a trio as `npm start` runs it, and the failed-payment folder against a trio whose
 * payment service declines every charge (PAYMENT_FAILURE_RATE=1). Any failed assertion or
 * request error fails the test.
 */
const COLLECTION_FILE = join(REPO_ROOT, 'docs', 'postman', 'order-system.postman_collection.json');
const ENVIRONMENT_FILE = join(REPO_ROOT, 'docs', 'postman', 'local.postman_environment.json');
const collection = JSON.parse(readFileSync(COLLECTION_FILE, 'utf8')) as { item: { name: string; item: unknown[] }[] };
const environment = JSON.parse(readFileSync(ENVIRONMENT_FILE, 'utf8'));

const ADMIN_CREDENTIALS = { ADMIN_USERNAME: 'postman-admin', ADMIN_PASSWORD: 'postman-password-1' };
const FAILED_PAYMENT_FOLDER = '5. A failed payment (PAYMENT_FAILURE_RATE=1)';
const requestsIn = (names: string[]) =>
  collection.item.filter((folder) => names.includes(folder.name)).reduce((sum, folder) => sum + folder.item.length, 0);

function runCollection(trio: Trio, options: { folder?: string[]; paymentsFail: boolean }): Promise<NewmanRunSummary> {
  const envVar = [
    { key: 'order_url', value: trio.order.url },
    { key: 'product_url', value: trio.product.url },
    { key: 'payment_url', value: trio.payment.url },
    { key: 'admin_username', value: ADMIN_CREDENTIALS.ADMIN_USERNAME },
    { key: 'admin_password', value: ADMIN_CREDENTIALS.ADMIN_PASSWORD },
    { key: 'jwt_secret', value: TEST_JWT_SECRET },
    { key: 'payments_fail', value: String(options.paymentsFail) },
  ];
  return new Promise((resolve, reject) => {
    newman.run({ collection, environment, envVar, folder: options.folder, reporters: [], timeoutRequest: 20_000 }, (err, summary) =>
      err ? reject(err) : resolve(summary),
    );
  });
}

function failures(summary: NewmanRunSummary): string[] {
  return summary.run.failures.map((f) => `${f.source?.name ?? f.at}: ${f.error.test ?? ''} ${f.error.message}`);
}

function summaryLine(label: string, summary: NewmanRunSummary): string {
  const { requests, assertions } = summary.run.stats;
  return `newman (${label}): ${requests.total} requests (${requests.failed} failed), ${assertions.total} assertions (${assertions.failed} failed), ${summary.run.failures.length} failures`;
}

// newman runs each script in a fresh sandbox: about 5 s for the whole collection on a quiet machine.
describe('the Postman collection, run with newman', () => {
  let trio: Trio;
  let failingTrio: Trio;

  beforeAll(async () => {
    [trio, failingTrio] = await Promise.all([
      startTrio({ productEnv: ADMIN_CREDENTIALS }),
      startTrio({ productEnv: ADMIN_CREDENTIALS, paymentEnv: { PAYMENT_FAILURE_RATE: '1' } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([trio?.stop(), failingTrio?.stop()]);
  });

  it('tells the whole story against a trio as npm start runs it, every assertion green', async () => {
    const summary = await runCollection(trio, { paymentsFail: false });
    console.log(summaryLine('whole collection', summary));

    expect(failures(summary)).toEqual([]);
    const all = collection.item.map((folder) => folder.name);
    // Every request but those of the failed-payment folder, which skip themselves here.
    expect(summary.run.stats.requests.total).toBe(requestsIn(all) - requestsIn([FAILED_PAYMENT_FOLDER]));
    expect(summary.run.stats.requests.failed).toBe(0);
    expect(summary.run.stats.assertions.total).toBeGreaterThan(80);
  }, 120_000);

  it('runs green the way the README says for failed payments: the whole collection with payments_fail true', async () => {
    const summary = await runCollection(failingTrio, { paymentsFail: true });
    console.log(summaryLine('payments fail', summary));

    expect(failures(summary)).toEqual([]);
    // The folders that need a successful payment skip themselves; the failed-payment folder runs.
    const ran = new Set(summary.run.executions.map((e) => e.item.name));
    for (const name of ['Get an admin token', 'Create a product', 'Place an order whose payment fails', 'Nothing was charged']) {
      expect(ran, name).toContain(name);
    }
    expect(summary.run.stats.requests.failed).toBe(0);
  }, 120_000);

  it('runs the failed-payment folder alone: it makes the token and the product it needs', async () => {
    const summary = await runCollection(failingTrio, { folder: [FAILED_PAYMENT_FOLDER], paymentsFail: true });
    console.log(summaryLine('failed-payment folder alone', summary));

    expect(failures(summary)).toEqual([]);
    // Each of its requests ran (beside them, the token and product requests its script sent).
    const folder = collection.item.find((f) => f.name === FAILED_PAYMENT_FOLDER) as { item: { name: string }[] };
    expect(new Set(summary.run.executions.map((e) => e.item.name))).toEqual(new Set(folder.item.map((i) => i.name)));
    // No request to /api/products// for want of a product id.
    const urls = summary.run.executions.map((e) => e.request.url.toString());
    expect(urls.filter((url) => url.replace(/^https?:\/\//, '').includes('//'))).toEqual([]);
  }, 120_000);
});
