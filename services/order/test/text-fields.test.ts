import { ORDER_REQUIRED_MESSAGE } from '@order-system/contracts';
import { bearer, CONTROL_CHARACTERS, INVISIBLE_ONLY, UNPAIRED_SURROGATES, WELL_FORMED_TEXT } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestOrderApp, type TestOrderApp } from './order-app.js';

// Every text field of the order service. The neighbours are unreachable here: an order that passes
// validation is recorded CANCELLED (503), one that does not is a 400 and nothing is recorded.
let t: TestOrderApp;
beforeAll(async () => {
  t = await createTestOrderApp();
});
afterAll(() => t.deps.close());

const ADMIN = bearer('admin', 'root');
const place = (customerName: string) =>
  request(t.app)
    .post('/api/orders/')
    .send({ customer_name: customerName, product_ids: [1] });
const orderCount = () => t.deps.prisma.order.count();

describe('POST /api/orders/ customer_name', () => {
  it.each(Object.entries({ ...UNPAIRED_SURROGATES, ...CONTROL_CHARACTERS }))(
    'when it has %s, then 400 validation_failed and no order',
    async (_case, name) => {
      const before = await orderCount();

      const res = await place(name);

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(res.body.details.customer_name).toEqual([expect.any(String)]);
      expect(await orderCount()).toBe(before);
    },
  );

  it.each(Object.entries(INVISIBLE_ONLY))('when it has %s, then it is blank: the contract’s 400 and no order', async (_case, name) => {
    const before = await orderCount();

    const res = await place(name);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', error: ORDER_REQUIRED_MESSAGE });
    expect(res.body.details.customer_name).toEqual([expect.any(String)]);
    expect(await orderCount()).toBe(before);
  });

  it.each(Object.entries(WELL_FORMED_TEXT))('when it is %s, then the order keeps it exactly', async (_case, name) => {
    const res = await place(name);

    expect(res.status).toBe(503);
    expect(res.body.customer_name).toBe(name);
    expect((await t.deps.prisma.order.findUnique({ where: { id: res.body.id } }))?.customerName).toBe(name);
  });
});

describe('POST /api/orders/{id}/cancel/ reason', () => {
  it.each(Object.entries({ ...UNPAIRED_SURROGATES, ...CONTROL_CHARACTERS, ...INVISIBLE_ONLY }))(
    'when it has %s, then 400 validation_failed',
    async (_case, reason) => {
      const { body: order } = await place('Alice');

      const res = await request(t.app).post(`/api/orders/${order.id}/cancel/`).set('Authorization', ADMIN).send({ reason });

      expect(res.status).toBe(400);
      expect(res.body.details.reason).toEqual([expect.any(String)]);
    },
  );

  it.each(Object.entries({ ...WELL_FORMED_TEXT, 'two lines': 'Wrong size\nPlease refund' }))(
    'when it is %s, then it is accepted',
    async (_case, reason) => {
      const { body: order } = await place('Alice');

      const res = await request(t.app).post(`/api/orders/${order.id}/cancel/`).set('Authorization', ADMIN).send({ reason });

      expect(res.status).toBe(200);
    },
  );
});
