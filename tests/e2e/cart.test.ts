import { bearer, hostileAuthHeaders } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CartClient, deleteProduct, patchProduct, paymentCount, tracking } from './cart-client.js';
import { ADMIN, call, startTrio, type Trio } from './harness.js';

// The shopping cart over the three real services: a customer fills a cart, the order service
// prices it from the product service as it is now, and a checkout places the order by the
// create-order workflow (reserved price, one charge), emptying the cart in the transaction that
// records it PAID.
let trio: Trio;
const products: { id: number; initialStock: number }[] = [];
beforeAll(async () => {
  // The order service's product calls pass a proxy (letting everything through) that counts them.
  trio = await startTrio({ proxyProduct: true });
});
afterAll(() => trio?.stop());

async function product(price: string, stock: number, name?: string) {
  const created = await trio.createProduct({ price, stock, ...(name ? { name } : {}) });
  products.push({ id: created.id, initialStock: stock });
  return created;
}

/** An admin sets the stock: the invariants count from there. */
async function setStock(productId: number, stock: number): Promise<void> {
  await patchProduct(trio, productId, { stock });
  const known = products.find((p) => p.id === productId);
  if (known) known.initialStock = stock;
}

async function removeProduct(productId: number): Promise<void> {
  await deleteProduct(trio, productId);
  products.splice(
    products.findIndex((p) => p.id === productId),
    1,
  );
}

const ADDRESS = { name: 'Ada Lovelace', line1: '12 St James’s Square', city: 'London', postal_code: 'SW1Y 4JH', country: 'gb' };

describe('the whole cart flow', () => {
  it('when a customer adds, adds again, updates and removes, then the cart shows each line at the current price and stock', async () => {
    const lamp = await product('25.00', 10, 'Lamp');
    const desk = await product('120.00', 1, 'Desk');
    const chair = await product('45.50', 5, 'Chair');
    const ann = new CartClient(trio);

    const empty = await ann.get();
    const first = await ann.add(lamp.id, 2);
    const again = await ann.add(lamp.id, 3);
    const withDesk = await ann.add(desk.id, 2);
    const withChair = await ann.add(chair.id, 1);
    const chairLine = withChair.body.items.find((item) => item.product_id === chair.id)!;
    const updated = await ann.setQuantity(chairLine.id, 4);
    const removed = await ann.remove(chairLine.id);
    const view = await ann.get();

    expect(empty).toMatchObject({ status: 200, body: { items: [], total_amount: '0.00', updated_at: null } });
    expect(first.status).toBe(201);
    expect(first.body.items).toEqual([
      { id: expect.any(Number), product_id: lamp.id, name: 'Lamp', unit_price: '25.00', quantity: 2, line_total: '50.00', in_stock: true },
    ]);
    expect(again.body.items).toEqual([{ ...first.body.items[0], quantity: 5, line_total: '125.00' }]);
    // Two desks are asked for, one is in stock: the line shows it.
    expect(withDesk.body.items[1]).toMatchObject({ product_id: desk.id, quantity: 2, line_total: '240.00', in_stock: false });
    expect(updated).toMatchObject({ status: 200 });
    expect(updated.body.items[2]).toMatchObject({ id: chairLine.id, quantity: 4, line_total: '182.00' });
    expect(removed.status).toBe(204);
    expect(view.body.items.map((item) => item.product_id)).toEqual([lamp.id, desk.id]);
    expect(view.body.total_amount).toBe('365.00');
    expect(Date.parse(view.body.updated_at ?? '')).toBeGreaterThan(0);
  });

  it('when an admin changes a price, then the cart shows the new one; the checkout is PAID at the price reserved, the cart emptied, the stock taken once', async () => {
    const kettle = await product('30.00', 6, 'Kettle');
    const mug = await product('8.00', 20, 'Mug');
    const bea = new CartClient(trio);
    await bea.add(kettle.id, 1);
    await bea.add(mug.id, 4);

    await patchProduct(trio, kettle.id, { price: '35.50' });
    const repriced = await bea.get();
    const checkout = await bea.checkout({ shipping_address: ADDRESS });
    const after = await bea.get();

    expect(repriced.body).toMatchObject({ total_amount: '67.50' });
    expect(repriced.body.items[0]).toMatchObject({ unit_price: '35.50', line_total: '35.50' });
    expect(checkout.status).toBe(201);
    expect(checkout.headers.get('location')).toBe(`/api/orders/${checkout.body.id}/`);
    expect(checkout.body).toMatchObject({
      status: 'PAID',
      user_id: bea.sub,
      customer_name: 'Ada Lovelace',
      total_amount: '67.50',
      payment_status: 'COMPLETED',
      shipping_address: { ...ADDRESS, country: 'GB', line2: null, region: null },
    });
    expect(checkout.body.items).toEqual([
      { product_id: kettle.id, name: 'Kettle', unit_price: '35.50', quantity: 1, line_total: '35.50' },
      { product_id: mug.id, name: 'Mug', unit_price: '8.00', quantity: 4, line_total: '32.00' },
    ]);
    expect(after.body.items).toEqual([]);
    expect(await trio.stockOf(kettle.id)).toBe(5);
    expect(await trio.stockOf(mug.id)).toBe(16);
    expect((await trio.getPayment(checkout.body.id)).body).toMatchObject({ status: 'COMPLETED', amount: '67.50' });
    expect(await bea.orders()).toHaveLength(1);
    // The order reads back as it was answered, to its owner.
    expect((await trio.getOrder(checkout.body.id, { auth: bea.auth })).body).toEqual(
      (({ error: _e, code: _c, ...order }) => order)(checkout.body as typeof checkout.body & { error?: string; code?: string }),
    );
  });

  it('when the same checkout is sent again with its Idempotency-Key, then the first answer is replayed and nothing is done twice', async () => {
    const pen = await product('2.50', 10);
    const cy = new CartClient(trio);
    await cy.add(pen.id, 4);
    const key = { 'Idempotency-Key': `checkout-${cy.sub}` };

    const first = await cy.checkout({ customer_name: 'Cy' }, { headers: key });
    await cy.add(pen.id, 1);
    const again = await cy.checkout({ customer_name: 'Cy' }, { headers: key });
    const otherBody = await cy.checkout({ customer_name: 'Someone else' }, { headers: key });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(otherBody).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } });
    // The line added after the checkout is still there: the replay placed nothing.
    expect((await cy.get()).body.items).toMatchObject([{ product_id: pen.id, quantity: 1 }]);
    expect(await trio.stockOf(pen.id)).toBe(6);
    expect(await cy.orders()).toHaveLength(1);
  });

  it('when the cart is empty, then a checkout is 409 cart_empty and no order is placed', async () => {
    const dee = new CartClient(trio);

    const never = await dee.checkout();
    const pen = await product('1.00', 3);
    const added = await dee.add(pen.id, 1);
    await dee.remove(added.body.items[0]!.id);
    const emptied = await dee.checkout({});

    expect(never).toMatchObject({ status: 409, body: { code: 'cart_empty', error: 'Cart is empty' } });
    expect(emptied).toMatchObject({ status: 409, body: { code: 'cart_empty' } });
    expect(await dee.orders()).toEqual([]);
  });

  it('when DELETE /api/cart/, then every line is gone', async () => {
    const pen = await product('1.00', 3);
    const eve = new CartClient(trio);
    await eve.add(pen.id, 2);

    const cleared = await eve.clear();

    expect(cleared.status).toBe(204);
    expect((await eve.get()).body.items).toEqual([]);
  });
});

/** How many batched reads (`GET /api/products/?ids=`) the order service has made so far. */
const batchedReads = () =>
  trio.productProxy?.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/products/?ids=')).length ?? 0;

describe('the limits of a cart', () => {
  it('when a line would pass 1000 of a product, then 400 and the line stays as it was', async () => {
    const screw = await product('0.10', 5000);
    const ola = new CartClient(trio);

    const full = await ola.add(screw.id, 1000);
    const over = await ola.add(screw.id, 1);

    expect(full.body.items[0]).toMatchObject({ quantity: 1000, line_total: '100.00' });
    expect(over).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(over.body).toMatchObject({ details: { quantity: [expect.stringContaining('1001')] } });
    expect((await ola.get()).body.items[0]?.quantity).toBe(1000);
  });

  it('when the cart holds 100 products, then the 101st is a 400, and the cart of 100 lines is read in one batched call', async () => {
    const made = await Promise.all(
      Array.from({ length: 101 }, (_, i) => trio.createProduct({ price: '1.00', stock: 10, name: `Bolt ${i}` })),
    );
    const pat = new CartClient(trio);
    for (const bolt of made.slice(0, 100)) expect((await pat.add(bolt.id, 1)).status).toBe(201);

    const extra = await pat.add(made[100]!.id, 1);
    const before = batchedReads();
    const view = await pat.get();

    expect(extra).toMatchObject({ status: 400, body: { code: 'validation_failed', details: { product_id: [expect.any(String)] } } });
    expect(view.body.items).toHaveLength(100);
    expect(view.body.total_amount).toBe('100.00');
    expect(batchedReads() - before).toBe(1);
  });
});

describe('a checkout against stock that changed', () => {
  it('when a product’s stock fell below its line, then 409 cart_changed: the line lowered, no order, nothing reserved or charged', async () => {
    const vase = await product('40.00', 5);
    const rug = await product('90.00', 2);
    const fay = new CartClient(trio);
    const added = await fay.add(vase.id, 4);
    await fay.add(rug.id, 2);
    await setStock(vase.id, 3);
    const payments = await paymentCount(trio);
    const before = await fay.get();

    const res = await fay.checkout({ customer_name: 'Fay' });
    const after = await fay.get();

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'cart_changed', error: expect.stringContaining('no order was placed') });
    expect(res.body.changes).toEqual([
      {
        item_id: added.body.items[0]!.id,
        product_id: vase.id,
        change: 'lowered',
        reason: 'out_of_stock',
        previous_quantity: 4,
        quantity: 3,
      },
    ]);
    expect(res.body.cart).toEqual(after.body);
    expect(before.body.items[0]).toMatchObject({ quantity: 4, in_stock: false });
    expect(after.body.items).toMatchObject([
      { product_id: vase.id, quantity: 3, in_stock: true },
      { product_id: rug.id, quantity: 2, in_stock: true },
    ]);
    expect(res.headers.get('location')).toBeNull();
    expect(await fay.orders()).toEqual([]);
    expect(await trio.stockOf(vase.id)).toBe(3);
    expect(await trio.stockOf(rug.id)).toBe(2);
    expect(await paymentCount(trio)).toBe(payments);

    // Reviewed, the customer checks out again: the fixed cart is ordered.
    const retry = await fay.checkout({ customer_name: 'Fay' });
    expect(retry).toMatchObject({ status: 201, body: { status: 'PAID', total_amount: '300.00' } });
    expect(await trio.stockOf(vase.id)).toBe(0);
  });

  it('when a product was deleted or has no stock left, then its line is removed: 409 cart_changed, no order, no payment', async () => {
    const gone = await product('10.00', 5);
    const soldOut = await product('11.00', 5);
    const kept = await product('12.00', 5);
    const gus = new CartClient(trio);
    const a = await gus.add(gone.id, 1);
    await gus.add(soldOut.id, 2);
    await gus.add(kept.id, 1);
    const soldOutLine = (await gus.get()).body.items[1]!;
    await removeProduct(gone.id);
    await setStock(soldOut.id, 0);
    const view = await gus.get();
    const payments = await paymentCount(trio);

    const res = await gus.checkout();

    expect(view.body.items[0]).toMatchObject({ product_id: gone.id, name: null, unit_price: null, line_total: null, in_stock: false });
    expect(view.body.total_amount).toBe('34.00');
    expect(res.status).toBe(409);
    expect(res.body.changes).toEqual([
      {
        item_id: a.body.items[0]!.id,
        product_id: gone.id,
        change: 'removed',
        reason: 'product_not_found',
        previous_quantity: 1,
        quantity: 0,
      },
      { item_id: soldOutLine.id, product_id: soldOut.id, change: 'removed', reason: 'out_of_stock', previous_quantity: 2, quantity: 0 },
    ]);
    expect((await gus.get()).body.items).toMatchObject([{ product_id: kept.id, quantity: 1 }]);
    expect(await gus.orders()).toEqual([]);
    expect(await trio.stockOf(kept.id)).toBe(5);
    expect(await paymentCount(trio)).toBe(payments);
  });
});

describe('shipping and tracking', () => {
  it('when an order is placed with a shipping address, shipped with a carrier and tracking number, then tracking shows them and the history', async () => {
    const lamp = await product('20.00', 5);
    const ivy = new CartClient(trio);
    const placed = await trio.createOrder(
      {
        customer_name: 'Ivy',
        items: [{ product_id: lamp.id, quantity: 1 }],
        shipping_address: { ...ADDRESS, line2: 'Flat 3', region: 'Greater London', country: 'GB' },
      },
      { auth: ivy.auth },
    );
    const before = await tracking(trio, placed.body.id, { auth: ivy.auth });

    const shipped = await call(
      'PATCH',
      `${trio.order.url}/api/orders/${placed.body.id}/status/`,
      { status: 'SHIPPED', carrier: 'Royal Mail', tracking_number: 'RM 1234-5678' },
      { auth: ADMIN },
    );
    const after = await tracking(trio, placed.body.id, { auth: ivy.auth });
    const other = await tracking(trio, placed.body.id, { auth: bearer('customer', 'someone-else') });
    const anonymous = await tracking(trio, placed.body.id);
    const admin = await tracking(trio, placed.body.id, { auth: ADMIN });

    const address = { ...ADDRESS, line2: 'Flat 3', region: 'Greater London', country: 'GB' };
    expect(placed.body).toMatchObject({ status: 'PAID', shipping_address: address });
    expect(before.body).toMatchObject({ order_id: placed.body.id, status: 'PAID', carrier: null, tracking_number: null });
    expect(shipped).toMatchObject({ status: 200, body: { status: 'SHIPPED', shipping_address: address } });
    expect(after.status).toBe(200);
    expect(after.body).toEqual({
      order_id: placed.body.id,
      status: 'SHIPPED',
      carrier: 'Royal Mail',
      tracking_number: 'RM 1234-5678',
      shipping_address: address,
      history: (shipped.body as { status_history: unknown[] }).status_history,
    });
    expect(after.body.history.map((entry) => entry.to)).toEqual(['PENDING', 'PAID', 'SHIPPED']);
    expect(other).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(anonymous.status).toBe(404);
    expect(admin.status).toBe(200);
  });

  it('when an order was placed without an address, then it reads shipping_address null, and tracking of an anonymous order needs no token', async () => {
    const lamp = await product('20.00', 5);
    const placed = await trio.createOrder({ customer_name: 'Jo', product_ids: [lamp.id] });
    await trio.setOrderStatus(placed.body.id, 'SHIPPED', { auth: ADMIN });

    const read = await tracking(trio, placed.body.id);

    expect(placed.body.shipping_address).toBeNull();
    expect(read).toMatchObject({ status: 200, body: { status: 'SHIPPED', carrier: null, tracking_number: null, shipping_address: null } });
    expect((await tracking(trio, 'not-a-uuid')).status).toBe(404);
  });
});

describe('whose cart', () => {
  it('when a customer names another customer’s line, then 404 and that line is untouched; each sees only their own cart', async () => {
    const pen = await product('3.00', 10);
    const kim = new CartClient(trio);
    const lou = new CartClient(trio);
    const kims = await kim.add(pen.id, 2);
    const line = kims.body.items[0]!.id;

    const update = await lou.setQuantity(line, 9);
    const remove = await lou.remove(line);
    const lousCart = await lou.get();

    expect(update).toMatchObject({ status: 404, body: { code: 'not_found', error: 'Cart item not found' } });
    expect(remove).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(lousCart.body.items).toEqual([]);
    expect((await kim.get()).body.items).toMatchObject([{ id: line, quantity: 2 }]);
  });

  it('when a line id is not a number or does not exist, then 404', async () => {
    const max = new CartClient(trio);

    expect((await max.setQuantity(999_999_999, 1)).status).toBe(404);
    expect((await call('PUT', `${trio.order.url}/api/cart/items/abc/`, { quantity: 1 }, { auth: max.auth })).status).toBe(404);
    expect((await call('DELETE', `${trio.order.url}/api/cart/items/-1/`, undefined, { auth: max.auth })).status).toBe(404);
  });

  it('when an unknown product is added, then 404 Product N not found and the cart is unchanged', async () => {
    const ned = new CartClient(trio);

    const res = await ned.add(2_147_483_647, 1);

    expect(res).toMatchObject({ status: 404, body: { code: 'product_not_found', error: 'Product 2147483647 not found' } });
    expect((await ned.get()).body.items).toEqual([]);
  });

  it('when there is no token, then 401; admin and service tokens get 403; forged tokens 401', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/cart/'],
      ['DELETE', '/api/cart/'],
      ['POST', '/api/cart/items/', { product_id: 1, quantity: 1 }],
      ['PUT', '/api/cart/items/1/', { quantity: 1 }],
      ['DELETE', '/api/cart/items/1/'],
      ['POST', '/api/cart/checkout/', {}],
    ];
    for (const [method, path, body] of routes) {
      const url = `${trio.order.url}${path}`;
      expect((await call(method, url, body)).status, `${method} ${path} anonymous`).toBe(401);
      expect((await call(method, url, body, { auth: ADMIN })).status, `${method} ${path} admin`).toBe(403);
      expect((await call(method, url, body, { auth: bearer('service', 'svc') })).status, `${method} ${path} service`).toBe(403);
      for (const [name, header] of Object.entries(hostileAuthHeaders('customer'))) {
        const res = await call(method, url, body, { auth: header });
        expect(res.status, `${method} ${path} ${name}`).toBe(401);
        expect(res.body).toMatchObject({ code: 'unauthorized' });
      }
    }
  });
});

describe('after the cart tests', () => {
  it('then the invariants hold: no cancelled order charged, stock = initial − what PAID orders hold', async () => {
    expect(await trio.invariantViolations(products)).toEqual([]);
  });
});
