// Replicas of the product service sharing one PostgreSQL database (SQLite has one process per file).
import { tempDatabaseUrl } from '@order-system/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../src/seed.js';
import { createTestProductApp, type TestProductApp } from './product-app.js';

const apps: TestProductApp[] = [];
afterAll(() => Promise.all(apps.map((app) => app.deps.close())));

describe('demo products', () => {
  it('when four replicas start at once on one empty database with seeding on, then the catalogue gets the demo products once', async () => {
    const databaseUrl = tempDatabaseUrl('product');

    apps.push(
      ...(await Promise.all(
        Array.from({ length: 4 }, () => createTestProductApp({ DATABASE_URL: databaseUrl, SEED_DEMO_PRODUCTS: 'true' })),
      )),
    );

    const names = (await apps[0]?.deps.prisma.product.findMany({ orderBy: { id: 'asc' } }))?.map((p) => p.name);
    expect(names).toEqual(DEMO_PRODUCTS.map((p) => p.name));
  });

  it('when a service starts on a catalogue that has products, then it adds none', async () => {
    const databaseUrl = tempDatabaseUrl('product');
    const first = await createTestProductApp({ DATABASE_URL: databaseUrl, SEED_DEMO_PRODUCTS: 'true' });
    apps.push(first);
    await first.deps.prisma.product.deleteMany({ where: { name: 'Mouse' } });

    apps.push(await createTestProductApp({ DATABASE_URL: databaseUrl, SEED_DEMO_PRODUCTS: 'true' }));

    expect(await first.deps.prisma.product.count()).toBe(DEMO_PRODUCTS.length - 1);
  });
});
