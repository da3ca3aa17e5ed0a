import { randomUUID } from 'node:crypto';
import { bearer, hostileAuthHeaders, waitFor } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrio, type Trio } from './harness.js';

// One trio for the file: every test makes its own products, so they do not interfere.
let trio: Trio;
beforeAll(async () => {
  trio = await startTrio();
});
afterAll(() => trio?.stop());

const transitions = (history: { from: string | null; to: string }[]) => history.map((change) => [change.from, change.to]);

describe('placing an order', () => {
  it('when product_ids repeat an id, then the quantities add up, the order is PAID once, stock and payment match', async () => {
    const keyboard = await trio.createProduct({ name: 'Keyboard', price: '25.00', stock: 10 });
    const mouse = await trio.createProduct({ name: 'Mouse', price: '9.99', stock: 10 });
    const requestId = `e2e-${randomUUID()}`;

    const res = await trio.createOrder(
      { customer_name: 'Alice', product_ids: [keyboard.id, mouse.id, keyboard.id] },
      { headers: { 'X-Request-Id': requestId } },
    );

    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/orders/${res.body.id}/`);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    expect(res.body).toMatchObject({
      customer_name: 'Alice',
      user_id: null,
      items: [
        { product_id: keyboard.id, name: 'Keyboard', unit_price: '25.00', quantity: 2, line_total: '50.00' },
        { product_id: mouse.id, name: 'Mouse', unit_price: '9.99', quantity: 1, line_total: '9.99' },
      ],
      total_amount: '59.99',
      status: 'PAID',
      cancellation_reason: null,
      payment_status: 'COMPLETED',
    });
    expect(transitions(res.body.status_history)).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'PAID'],
    ]);
    expect(res.body.status_history.every((change) => change.by === 'system')).toBe(true);
    expect(await trio.stockOf(keyboard.id)).toBe(8);
    expect(await trio.stockOf(mouse.id)).toBe(9);
    const payment = await trio.getPayment(res.body.id);
    expect(payment.body).toMatchObject({ order_id: res.body.id, amount: '59.99', status: 'COMPLETED' });
    const read = await trio.getOrder(res.body.id);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    // The request id travels to both neighbours and is on their log lines.
    await waitFor(() => trio.product.logs.some((line) => line.request_id === requestId));
    await waitFor(() => trio.payment.logs.some((line) => line.request_id === requestId));
    await waitFor(() => trio.logsWith('order', 'order paid').some((line) => line.request_id === requestId));
  });

  it('when items carry quantities, then the total is price × quantity computed by the service', async () => {
    const cable = await trio.createProduct({ price: '0.10', stock: 100 });
    const lamp = await trio.createProduct({ price: '19.95', stock: 5 });

    const res = await trio.createOrder({
      customer_name: 'Bob',
      items: [
        { product_id: cable.id, quantity: 7 },
        { product_id: lamp.id, quantity: 3 },
      ],
    });

    expect(res.status).toBe(201);
    expect(res.body.total_amount).toBe('60.55');
    expect(res.body.items.map((item) => item.line_total)).toEqual(['0.70', '59.85']);
    expect(await trio.stockOf(cable.id)).toBe(93);
    expect(await trio.stockOf(lamp.id)).toBe(2);
    expect((await trio.getPayment(res.body.id)).body.amount).toBe('60.55');
  });

  it('when a product id is written 1.0-style, then 400 validation_failed and nothing is taken (integers are never rounded)', async () => {
    const pen = await trio.createProduct({ price: '1.00', stock: 3 });

    const res = await trio.createOrder(undefined, { raw: `{"customer_name": "Cy", "product_ids": [${pen.id}.0]}` });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(await trio.stockOf(pen.id)).toBe(3);
  });

  it('when a product does not exist, then 400 product_not_found, the order is recorded CANCELLED and nothing is taken', async () => {
    const known = await trio.createProduct({ name: 'Desk', price: '100.00', stock: 4 });
    const missing = known.id + 10_000;

    const res = await trio.createOrder({ customer_name: 'Dana', product_ids: [known.id, missing] });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: `Product ${missing} not found`,
      code: 'product_not_found',
      status: 'CANCELLED',
      cancellation_reason: `Product ${missing} not found`,
      payment_status: null,
      // Prices come from the reservation, and nothing was reserved: no price, no total.
      total_amount: null,
      items: [
        { product_id: known.id, name: null, unit_price: null, quantity: 1, line_total: null },
        { product_id: missing, name: null, unit_price: null, quantity: 1, line_total: null },
      ],
    });
    expect(transitions(res.body.status_history)).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'CANCELLED'],
    ]);
    expect((await trio.getOrder(res.body.id)).body.status).toBe('CANCELLED');
    expect(await trio.stockOf(known.id)).toBe(4);
    expect((await trio.getPayment(res.body.id)).status).toBe(404);
  });

  it('when a product does not exist next to a very large line, then the order is still recorded (a missing price means no total)', async () => {
    const yacht = await trio.createProduct({ price: '999999.99', stock: 5 });

    const res = await trio.createOrder({ customer_name: 'Gil', product_ids: [yacht.id, yacht.id, yacht.id + 10_000] });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'product_not_found', status: 'CANCELLED', total_amount: null });
    expect((await trio.getOrder(res.body.id)).status).toBe(200);
  });

  it('when one of several products is out of stock, then 400 out_of_stock, CANCELLED, and no stock is taken from any', async () => {
    const plenty = await trio.createProduct({ price: '5.00', stock: 50 });
    const scarce = await trio.createProduct({ price: '7.00', stock: 1 });
    const more = await trio.createProduct({ price: '3.00', stock: 50 });

    const res = await trio.createOrder({
      customer_name: 'Eve',
      items: [
        { product_id: plenty.id, quantity: 5 },
        { product_id: scarce.id, quantity: 2 },
        { product_id: more.id, quantity: 1 },
      ],
    });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: `Product ${scarce.id} is out of stock`,
      code: 'out_of_stock',
      status: 'CANCELLED',
      cancellation_reason: `Product ${scarce.id} is out of stock`,
      // Prices come from the reservation, which was refused: no total.
      total_amount: null,
      payment_status: null,
    });
    expect((await trio.getOrder(res.body.id)).body.status).toBe('CANCELLED');
    expect([await trio.stockOf(plenty.id), await trio.stockOf(scarce.id), await trio.stockOf(more.id)]).toEqual([50, 1, 50]);
    expect((await trio.getPayment(res.body.id)).status).toBe(404);
  });

  it('when the total would pass 999999.99, then 400 amount_too_large, the order is recorded CANCELLED and its stock given back', async () => {
    const yacht = await trio.createProduct({ price: '999999.99', stock: 5 });

    const res = await trio.createOrder({ customer_name: 'Fay', items: [{ product_id: yacht.id, quantity: 2 }] });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'The order total must not exceed 999999.99',
      code: 'amount_too_large',
      status: 'CANCELLED',
      cancellation_reason: 'The order total must not exceed 999999.99',
      total_amount: null,
      payment_status: null,
    });
    expect((await trio.getOrder(res.body.id)).body.status).toBe('CANCELLED');
    expect(await trio.stockOf(yacht.id)).toBe(5);
    expect((await trio.getPayment(res.body.id)).status).toBe(404);
  });
});

describe('hostile bodies against the running service', () => {
  it('when bodies try to smuggle ids, totals or types, then each is a 4xx JSON error and no stock moves', async () => {
    const product = await trio.createProduct({ price: '10.00', stock: 5 });
    const id = product.id;
    const bodies: unknown[] = [
      { customer_name: 'H', product_ids: String(id) },
      { customer_name: 'H', product_ids: [`${id}/../${id}`] },
      { customer_name: 'H', product_ids: [`${id}`] },
      { customer_name: 'H', product_ids: [null] },
      { customer_name: 'H', product_ids: [{ id }] },
      { customer_name: 'H', product_ids: [id], total_amount: '0.01' },
      { customer_name: 'H', items: [{ product_id: id, quantity: 1, unit_price: '0.01' }] },
      { customer_name: 'H', items: [{ product_id: id, quantity: -1 }] },
      { customer_name: { $ne: null }, product_ids: [id] },
      { customer_name: 7, product_ids: [id] },
      { customer_name: 'H', product_ids: Array.from({ length: 10_000 }, () => id) },
      [{ customer_name: 'H', product_ids: [id] }],
      `{"customer_name":"H","product_ids":[${id}]}`,
    ];

    const answers = await Promise.all(bodies.map((body) => trio.createOrder(body)));

    for (const res of answers) {
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toEqual(expect.objectContaining({ error: expect.any(String), code: expect.any(String) }));
      expect(res.body).not.toHaveProperty('status');
    }
    expect(await trio.stockOf(id)).toBe(5);
  });
});

describe('who can read an order', () => {
  it('when a customer token places an order, then user_id is its sub and only that customer or an admin can read it', async () => {
    const product = await trio.createProduct({ price: '4.00', stock: 5 });
    const alice = bearer('customer', `alice-${randomUUID()}`);

    const res = await trio.createOrder({ customer_name: 'Alice', product_ids: [product.id] }, { auth: alice });

    expect(res.status).toBe(201);
    expect(res.body.user_id).toMatch(/^alice-/);
    expect(res.body.status_history[0]?.by).toBe(res.body.user_id);
    expect((await trio.getOrder(res.body.id, { auth: alice })).status).toBe(200);
    expect((await trio.getOrder(res.body.id, { auth: bearer('admin', 'root') })).status).toBe(200);
    for (const auth of [bearer('customer', 'mallory'), undefined]) {
      const read = await trio.getOrder(res.body.id, auth ? { auth } : {});
      expect(read.status).toBe(404);
      expect(read.body).toEqual({ error: 'Order not found', code: 'not_found' });
    }
  });

  it('when an order is anonymous, then anyone with its id can read it, with or without a token', async () => {
    const product = await trio.createProduct({ price: '4.00', stock: 5 });
    const res = await trio.createOrder({ customer_name: 'Anon', product_ids: [product.id] });

    expect((await trio.getOrder(res.body.id)).status).toBe(200);
    expect((await trio.getOrder(res.body.id, { auth: bearer('customer', 'someone') })).status).toBe(200);
  });

  it('when tokens are forged, expired or of the wrong kind, then 401 and no order is placed', async () => {
    const product = await trio.createProduct({ price: '4.00', stock: 5 });

    for (const [name, auth] of Object.entries(hostileAuthHeaders('admin'))) {
      const res = await trio.createOrder({ customer_name: 'X', product_ids: [product.id] }, { auth });
      expect(res.status, name).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    }
    expect(await trio.stockOf(product.id)).toBe(5);
  });

  it('when the id is malformed or unknown, then 404 Order not found', async () => {
    for (const id of ['nope', randomUUID(), '1']) {
      const res = await trio.getOrder(id);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Order not found', code: 'not_found' });
    }
  });
});

describe('readiness', () => {
  it('when both neighbours run, then /ready reports every check ok', async () => {
    const res = await fetch(`${trio.order.url}/ready`);

    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: unknown }).checks).toEqual({ database: 'ok', product_service: 'ok', payment_service: 'ok' });
  });
});
