import { CONTROL_CHARACTERS, INVISIBLE_ONLY, UNPAIRED_SURROGATES, WELL_FORMED_TEXT } from '@order-system/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPaymentApp, newOrderId, SERVICE, type TestPaymentApp } from './payment-app.js';

// The payment service's one text field: the optional reason of a refund or a void (it is logged).
let t: TestPaymentApp;
beforeAll(async () => {
  t = await createTestPaymentApp();
});
afterAll(() => t.close());

const completed = async () => {
  const orderId = newOrderId();
  await t.charge({ order_id: orderId, amount: '5.00' }).expect(201);
  return orderId;
};
const act = (action: 'refund' | 'void', orderId: string, reason: string) =>
  request(t.app).post(`/api/payments/${orderId}/${action}/`).set('Authorization', SERVICE).send({ reason });

describe.each(['refund', 'void'] as const)('POST /api/payments/{order_id}/%s/ reason', (action) => {
  const orderFor = () => (action === 'refund' ? completed() : Promise.resolve(newOrderId()));

  it.each(Object.entries({ ...UNPAIRED_SURROGATES, ...CONTROL_CHARACTERS }))(
    'when it has %s, then 400 validation_failed and nothing changes',
    async (_case, reason) => {
      const orderId = await orderFor();
      const before = await t.rows(orderId);

      const res = await act(action, orderId, reason);

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(res.body.details.reason).toEqual([expect.any(String)]);
      expect(await t.rows(orderId)).toEqual(before);
    },
  );

  // The reason is optional: one that shows nothing is as good as none.
  it.each(Object.entries({ ...WELL_FORMED_TEXT, ...INVISIBLE_ONLY, 'two lines': 'Customer asked\nby phone' }))(
    'when it is %s, then it is accepted',
    async (_case, reason) => {
      expect((await act(action, await orderFor(), reason)).status).toBe(200);
    },
  );
});
