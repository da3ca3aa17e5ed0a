import { REPO_ROOT, TEST_JWT_SECRET } from '@order-system/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectReadmeSessionAnswers, runReadmeSession } from '../docker/engine/readme-session.js';
import { startTrio, type Trio } from './harness.js';

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
    const urls = { order: trio.order.url, product: trio.product.url, payment: trio.payment.url };
    const result = await runReadmeSession(REPO_ROOT, urls, {
      // The secret the trio runs with, which the session signs its customer token with.
      JWT_SECRET: TEST_JWT_SECRET,
    });

    expectReadmeSessionAnswers(result, trio.order.url);
    // About 15 node and curl processes one after the other: seconds on a busy machine.
  }, 90_000);
});
