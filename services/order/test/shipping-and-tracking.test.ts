import { randomUUID } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, openDatabase } from '@order-system/platform';
import {
  bearer,
  CONTROL_CHARACTERS,
  INVISIBLE_ONLY,
  tempDatabaseUrl,
  tempDir,
  UNPAIRED_SURROGATES,
  WELL_FORMED_TEXT,
} from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_DATABASE } from '../src/database.js';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// The shipping address on POST /api/orders/, the carrier and tracking number of PATCH .../status/,
// and GET /api/orders/{id}/tracking/. The neighbours are unreachable here: an order that passes
// validation is recorded CANCELLED (503) with what it was given; one that does not is a 400 and
// nothing is recorded.
let t: TestOrderApp;
beforeAll(async () => {
  t = await createTestOrderApp();
});
afterAll(() => t.deps.close());

const ADMIN = bearer('admin', 'root');
const ADDRESS = { name: 'Ada Lovelace', line1: '12 St James’s Square', city: 'London', postal_code: 'SW1Y 4JH', country: 'GB' };
const place = (shippingAddress: unknown) =>
  request(t.app)
    .post('/api/orders/')
    .send({ customer_name: 'Ada', product_ids: [1], shipping_address: shippingAddress });
const orderCount = () => t.deps.prisma.order.count();

describe('POST /api/orders/ shipping_address', () => {
  it('when it is given, then the order keeps it: country in upper case, optional lines null, text trimmed', async () => {
    const res = await place({ ...ADDRESS, name: '  Ada Lovelace ', line2: '', region: null, country: 'gb' });
    const read = await request(t.app).get(`/api/orders/${res.body.id}/`);

    expect(res.status).toBe(503);
    expect(res.body.shipping_address).toEqual({ ...ADDRESS, line2: null, region: null });
    expect(read.body.shipping_address).toEqual(res.body.shipping_address);
  });

  it('when every field is given with well-formed text of every script, then it is kept exactly', async () => {
    for (const value of Object.values(WELL_FORMED_TEXT)) {
      const address = { name: value, line1: value, line2: value, city: value, region: value, postal_code: 'D02 X285', country: 'ie' };

      const res = await place(address);

      expect(res.body.shipping_address).toEqual({ ...address, country: 'IE' });
    }
  });

  it('when it is absent or null, then the order has shipping_address null', async () => {
    const absent = await request(t.app)
      .post('/api/orders/')
      .send({ customer_name: 'Ada', product_ids: [1] });
    const none = await place(null);

    expect(absent.body.shipping_address).toBeNull();
    expect(none.body.shipping_address).toBeNull();
  });

  const hostile = { ...UNPAIRED_SURROGATES, ...CONTROL_CHARACTERS, ...INVISIBLE_ONLY };
  const bad: Record<string, { address: unknown; field: string }> = {
    'a string': { address: 'London', field: 'shipping_address' },
    'an array': { address: [ADDRESS], field: 'shipping_address' },
    'no name': { address: { ...ADDRESS, name: undefined }, field: 'shipping_address.name' },
    'no postal_code': { address: { ...ADDRESS, postal_code: undefined }, field: 'shipping_address.postal_code' },
    'no city': { address: { ...ADDRESS, city: undefined }, field: 'shipping_address.city' },
    'a numeric country': { address: { ...ADDRESS, country: 49 }, field: 'shipping_address.country' },
    'the country XK (not assigned)': { address: { ...ADDRESS, country: 'XK' }, field: 'shipping_address.country' },
    'the country UK (reserved, not GB)': { address: { ...ADDRESS, country: 'UK' }, field: 'shipping_address.country' },
    'a country name': { address: { ...ADDRESS, country: 'Germany' }, field: 'shipping_address.country' },
    'line1 of 201 characters': { address: { ...ADDRESS, line1: 'l'.repeat(201) }, field: 'shipping_address.line1' },
    'a region of spaces': { address: { ...ADDRESS, region: '   ' }, field: 'shipping_address.region' },
    'a postal code of spaces': { address: { ...ADDRESS, postal_code: '   ' }, field: 'shipping_address.postal_code' },
    'a postal code with a line break': { address: { ...ADDRESS, postal_code: '123\n45' }, field: 'shipping_address.postal_code' },
    'an unknown field': { address: { ...ADDRESS, phone: '+44' }, field: 'shipping_address' },
  };
  for (const [name, text] of Object.entries(hostile)) {
    for (const field of ['name', 'line1', 'line2', 'city', 'region', 'postal_code'] as const) {
      bad[`a ${field} with ${name}`] = { address: { ...ADDRESS, [field]: text }, field: `shipping_address.${field}` };
    }
  }

  it.each(Object.entries(bad))(
    'when it has %s, then 400 validation_failed naming the field and no order',
    async (_name, { address, field }) => {
      const before = await orderCount();

      const res = await place(address);

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(res.body.details[field]).toEqual([expect.any(String)]);
      expect(await orderCount()).toBe(before);
    },
  );
});

describe('PATCH /api/orders/{id}/status/ carrier and tracking_number', () => {
  const bad: Record<string, { body: unknown; field: string }> = {
    'a carrier with DELIVERED': { body: { status: 'DELIVERED', carrier: 'DHL' }, field: 'carrier' },
    'a tracking number with DELIVERED': { body: { status: 'DELIVERED', tracking_number: '123' }, field: 'tracking_number' },
    'a numeric tracking number': { body: { status: 'SHIPPED', tracking_number: 123 }, field: 'tracking_number' },
    'a tracking number with a slash': { body: { status: 'SHIPPED', tracking_number: '12/34' }, field: 'tracking_number' },
    'a tracking number of 101 characters': { body: { status: 'SHIPPED', tracking_number: '1'.repeat(101) }, field: 'tracking_number' },
    'a blank tracking number': { body: { status: 'SHIPPED', tracking_number: '  ' }, field: 'tracking_number' },
    'a carrier of 101 characters': { body: { status: 'SHIPPED', carrier: 'c'.repeat(101) }, field: 'carrier' },
    'a null carrier': { body: { status: 'SHIPPED', carrier: null }, field: 'carrier' },
  };
  for (const [name, text] of Object.entries({ ...UNPAIRED_SURROGATES, ...CONTROL_CHARACTERS, ...INVISIBLE_ONLY })) {
    bad[`a carrier with ${name}`] = { body: { status: 'SHIPPED', carrier: text }, field: 'carrier' };
    bad[`a tracking number with ${name}`] = { body: { status: 'SHIPPED', tracking_number: text }, field: 'tracking_number' };
  }

  it.each(Object.entries(bad))('when it has %s, then 400 naming the field and the order unchanged', async (_name, { body, field }) => {
    const { body: order } = await place(ADDRESS);

    const res = await request(t.app)
      .patch(`/api/orders/${order.id}/status/`)
      .set('Authorization', ADMIN)
      .send(body as object);

    expect(res.status).toBe(400);
    expect(res.body.details[field]).toEqual([expect.any(String)]);
    expect((await request(t.app).get(`/api/orders/${order.id}/`)).body).toEqual(
      (({ error: _e, code: _c, ...rest }) => rest)(order as Record<string, unknown>),
    );
  });

  it('when a customer sends a carrier, then 403 before anything is read', async () => {
    const res = await request(t.app)
      .patch(`/api/orders/${randomUUID()}/status/`)
      .set('Authorization', bearer('customer', 'c1'))
      .send({ status: 'SHIPPED', carrier: 'DHL' });

    expect(res.status).toBe(403);
  });
});

describe('GET /api/orders/{id}/tracking/', () => {
  it('when the order is anonymous, then anyone with its id reads its tracking; carrier and number null until it ships', async () => {
    const { body: order } = await place(ADDRESS);

    const res = await request(t.app).get(`/api/orders/${order.id}/tracking`);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order_id: order.id,
      status: 'CANCELLED',
      carrier: null,
      tracking_number: null,
      shipping_address: { ...ADDRESS, line2: null, region: null },
      history: order.status_history,
    });
  });

  it('when the order is a customer’s, then only they and admins read it: others, anonymous too, get 404', async () => {
    const owner = bearer('customer', `c-${randomUUID()}`);
    const { body: order } = await request(t.app)
      .post('/api/orders/')
      .set('Authorization', owner)
      .send({ customer_name: 'Ada', product_ids: [1] });
    const path = `/api/orders/${order.id}/tracking/`;

    expect((await request(t.app).get(path).set('Authorization', owner)).status).toBe(200);
    expect((await request(t.app).get(path).set('Authorization', ADMIN)).status).toBe(200);
    expect((await request(t.app).get(path).set('Authorization', bearer('customer', 'other'))).status).toBe(404);
    expect((await request(t.app).get(path)).status).toBe(404);
    expect((await request(t.app).get(path).set('Authorization', 'Bearer forged')).status).toBe(401);
  });

  it.each([randomUUID(), 'not-a-uuid', '1', '%00'])('when the id is %s, then 404 Order not found', async (id) => {
    const res = await request(t.app).get(`/api/orders/${id}/tracking/`);

    expect(res).toMatchObject({ status: 404, body: { error: 'Order not found', code: 'not_found' } });
  });
});

describe('orders written before shipping addresses existed', () => {
  it('when the database is migrated to carts and shipping, then they read back as they were, with shipping_address null', async () => {
    // A database migrated up to the migration before this one, holding an order of that time.
    const previous = (dir: string) => {
      const copy = join(tempDir('order-migrations-'), 'migrations');
      cpSync(dir, copy, { recursive: true });
      rmSync(join(copy, '20261207180000_carts_and_shipping'), { recursive: true });
      return copy;
    };
    const url = tempDatabaseUrl('order-upgrade');
    const logger = createLogger({ service: 'order', level: 'silent' });
    const older = {
      sqlite: { ...ORDER_DATABASE.sqlite, migrationsDir: previous(ORDER_DATABASE.sqlite.migrationsDir) },
      postgresql: { ...ORDER_DATABASE.postgresql, migrationsDir: previous(ORDER_DATABASE.postgresql.migrationsDir) },
    };
    const { prisma } = await openDatabase(older, { databaseUrl: url, poolSize: 1, logger });
    const id = randomUUID();
    const at = new Date('2026-12-01T10:00:00.000Z');
    await prisma.$executeRaw`
      INSERT INTO "orders" ("id", "customer_name", "user_id", "status", "total_cents", "reservation_state", "payment_state",
        "status_changed_by", "created_at", "updated_at")
      VALUES (${id}, 'Old', NULL, 'PAID', 5000, 'ACTIVE', 'COMPLETED', 'system', ${at}, ${at})`;
    await prisma.$executeRaw`
      INSERT INTO "order_items" ("order_id", "product_id", "name", "unit_price_cents", "quantity") VALUES (${id}, 1, 'Lamp', 2500, 2)`;
    await prisma.$disconnect();

    const upgraded = await createTestOrderApp({ DATABASE_URL: url });
    const res = await request(upgraded.app).get(`/api/orders/${id}/`);
    const track = await request(upgraded.app).get(`/api/orders/${id}/tracking/`);
    await upgraded.deps.close();

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      customer_name: 'Old',
      status: 'PAID',
      total_amount: '50.00',
      items: [{ product_id: 1, name: 'Lamp', unit_price: '25.00', quantity: 2, line_total: '50.00' }],
      shipping_address: null,
    });
    expect(res.body.status_history).toHaveLength(1);
    expect(track.body).toMatchObject({ status: 'PAID', carrier: null, tracking_number: null, shipping_address: null });
  });
});
