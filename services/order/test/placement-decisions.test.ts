import { randomUUID } from 'node:crypto';
import { formatCents, MAX_AMOUNT_CENTS } from '@order-system/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/orders/domain/order.js';
import type { Placement } from '../src/orders/placement/place-order.js';
import { attempt, failed, payment, UNIT_PRICE_CENTS } from './fake-upstreams.js';
import { ctx, startWorkers, type Workers } from './order-workers.js';

// The create-order workflow's decisions, one case per outcome of reserve × charge × lookup, with
// small fakes of the product and payment ports (the HTTP faults themselves are covered over real
// processes and the fault proxy in tests/e2e).
let w: Workers;
beforeAll(async () => {
  w = await startWorkers();
});
afterAll(() => w?.close());

const TOTAL = 2 * UNIT_PRICE_CENTS;
const LINES = [{ productId: 1, quantity: 2 }];

async function place(): Promise<{ placement: Placement; order: Order }> {
  const placement = await w.place.place({ customerName: 'Ann', userId: null, lines: LINES }, ctx());
  const order = placement.order ? await w.orders.findById(placement.order.id) : null;
  if (!order) throw new Error('no order recorded');
  return { placement, order };
}

/** What a case expects: how it ended, the order's three states and code, and which compensating calls were made. */
interface Expected {
  kind: Placement['kind'];
  status: Order['status'];
  reservation: Order['reservationState'];
  payment: Order['paymentState'];
  code?: string | null;
  stockVoided: boolean;
  charged: boolean;
}

async function expectOutcome(expected: Expected): Promise<Order> {
  const before = { voided: w.products.voided.length, charged: w.payments.charged.length };
  const { placement, order } = await place();
  expect({
    kind: placement.kind,
    status: order.status,
    reservation: order.reservationState,
    payment: order.paymentState,
    code: order.failureCode,
    stockVoided: w.products.voided.length > before.voided,
    charged: w.payments.charged.length > before.charged,
  }).toEqual({ code: null, ...expected });
  // Every decided order gives its lease up; a PENDING one too, for the recovery job.
  expect(await w.leaseRows.holder(order.id)).toBeUndefined();
  return order;
}

function script(setup: () => void): void {
  // Back to the defaults: reservations succeed at 5.00 a unit, charges complete, nothing found.
  w.products.onReserve = async (lines) =>
    lines.map((line) => ({ ...line, name: `Product ${line.productId}`, unitPriceCents: UNIT_PRICE_CENTS }));
  w.products.onVoid = async () => 'released';
  w.payments.onCharge = async (orderId, cents) => payment(orderId, cents, 'COMPLETED');
  w.payments.onFind = async () => null;
  w.payments.onVoid = async (orderId) => ({ kind: 'voided', payment: payment(orderId, 0, 'VOIDED') });
  setup();
}

const reserveFails =
  (...attempts: Parameters<typeof failed>[1][]) =>
  () => {
    w.products.onReserve = async () => {
      throw failed('product', ...attempts);
    };
  };
const chargeFails = (...attempts: Parameters<typeof failed>[1][]) => {
  w.payments.onCharge = async () => {
    throw failed('payment', ...attempts);
  };
};

describe('placing an order: the reservation', () => {
  it('when stock is reserved and the charge completes, then PAID, stock kept, nothing voided', async () => {
    script(() => {});
    const order = await expectOutcome({
      kind: 'paid',
      status: 'PAID',
      reservation: 'ACTIVE',
      payment: 'COMPLETED',
      stockVoided: false,
      charged: true,
    });
    expect(order.totalCents).toBe(TOTAL);
    expect(order.items).toEqual([{ productId: 1, quantity: 2, name: 'Product 1', unitPriceCents: UNIT_PRICE_CENTS }]);
  });

  it.each([
    ['an unknown product (404)', [attempt.http(404, { code: 'product_not_found', product_id: 1 })], 'product_not_found'],
    ['too little stock (409)', [attempt.http(409, { code: 'out_of_stock', product_id: 1 })], 'out_of_stock'],
    ['an unreachable product service', [attempt.unreachable, attempt.unreachable, attempt.unreachable], 'product_service_unavailable'],
  ])(
    'when the reservation is refused for %s, then CANCELLED with its code, nothing held, nothing voided, no charge',
    async (_case, attempts, code) => {
      script(reserveFails(...attempts));
      await expectOutcome({
        kind: 'cancelled',
        status: 'CANCELLED',
        reservation: 'NONE',
        payment: 'NONE',
        code,
        stockVoided: false,
        charged: false,
      });
    },
  );

  it.each([
    ['timed out every time', [attempt.timeout, attempt.timeout, attempt.timeout], 'product_service_unavailable'],
    ['kept failing with 503', [attempt.http(503), attempt.http(503), attempt.http(503)], 'product_service_unavailable'],
    ['was reset', [attempt.reset], 'product_service_unavailable'],
    [
      'timed out, then was refused (the first may have reserved)',
      [attempt.timeout, attempt.http(409, { code: 'out_of_stock', product_id: 1 })],
      'out_of_stock',
    ],
  ])(
    'when the reservation %s, then CANCELLED and the reservation voided (it may have been made), no charge',
    async (_case, attempts, code) => {
      script(reserveFails(...attempts));
      await expectOutcome({
        kind: 'cancelled',
        status: 'CANCELLED',
        reservation: 'RELEASED',
        payment: 'NONE',
        code,
        stockVoided: true,
        charged: false,
      });
    },
  );

  it('when the void of an unclear reservation fails, then CANCELLED with RELEASE_FAILED, left for the recovery job', async () => {
    script(() => {
      reserveFails(attempt.timeout)();
      w.products.onVoid = async () => {
        throw failed('product', attempt.unreachable);
      };
    });
    await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASE_FAILED',
      payment: 'NONE',
      code: 'product_service_unavailable',
      stockVoided: true,
      charged: false,
    });
  });

  it('when the prices reserved add up to more than the maximum, then CANCELLED amount_too_large, the stock voided, no charge', async () => {
    script(() => {
      w.products.onReserve = async (lines) => lines.map((line) => ({ ...line, name: 'Gold', unitPriceCents: MAX_AMOUNT_CENTS }));
    });
    const order = await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'NONE',
      code: 'amount_too_large',
      stockVoided: true,
      charged: false,
    });
    expect(order.cancellationReason).toBe(`The order total must not exceed ${formatCents(MAX_AMOUNT_CENTS)}`);
  });
});

describe('placing an order: the charge', () => {
  it('when the charge is answered VOIDED (sealed before), then CANCELLED NOT_CHARGED, stock voided', async () => {
    script(() => {
      w.payments.onCharge = async (orderId) => payment(orderId, TOTAL, 'VOIDED');
    });
    await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'NOT_CHARGED',
      code: 'payment_failed',
      stockVoided: true,
      charged: true,
    });
  });

  it('when the charge is declined (FAILED), then the payment is voided before "not charged" (a FAILED payment can be processed again), CANCELLED FAILED', async () => {
    script(() => {
      w.payments.onCharge = async (orderId) => payment(orderId, TOTAL, 'FAILED');
      w.payments.onFind = async (orderId) => payment(orderId, TOTAL, 'FAILED');
    });
    const voids = w.payments.voided.length;
    const order = await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'FAILED',
      code: 'payment_failed',
      stockVoided: true,
      charged: true,
    });
    expect(w.payments.voided.slice(voids)).toEqual([order.id]);
  });

  it('when a declined charge was charged after all by the time it is sealed (an earlier attempt landed), then PAID', async () => {
    script(() => {
      w.payments.onCharge = async (orderId) => payment(orderId, TOTAL, 'FAILED');
      w.payments.onFind = async (orderId) => payment(orderId, TOTAL, 'FAILED');
      w.payments.onVoid = async (orderId) => ({ kind: 'charged', payment: payment(orderId, TOTAL, 'COMPLETED') });
    });
    await expectOutcome({ kind: 'paid', status: 'PAID', reservation: 'ACTIVE', payment: 'COMPLETED', stockVoided: false, charged: true });
  });

  it('when the charge timed out and was then refused (the first attempt may still land), then it is looked up and voided before "not charged"', async () => {
    script(() => chargeFails(attempt.timeout, attempt.http(400, { code: 'validation_failed' })));
    const voids = w.payments.voided.length;
    const order = await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'NOT_CHARGED',
      code: 'payment_failed',
      stockVoided: true,
      charged: true,
    });
    expect(w.payments.voided.slice(voids)).toEqual([order.id]);
  });

  it.each([
    ['refused (400)', [attempt.http(400, { code: 'validation_failed' })], 'payment_failed'],
    ['refused for our token (401)', [attempt.http(401, { code: 'unauthorized' })], 'payment_service_unavailable'],
    ['never reached the payment service', [attempt.unreachable, attempt.unreachable, attempt.unreachable], 'payment_service_unavailable'],
  ])('when the charge is %s, then CANCELLED NOT_CHARGED without a lookup, stock voided', async (_case, attempts, code) => {
    script(() => chargeFails(...attempts));
    const looked = w.payments.looked.length;
    await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'NOT_CHARGED',
      code,
      stockVoided: true,
      charged: true,
    });
    expect(w.payments.looked).toHaveLength(looked);
  });

  it('when the charge completes for another amount, then PENDING for the recovery job, with its stock', async () => {
    script(() => {
      w.payments.onCharge = async (orderId) => payment(orderId, 1, 'COMPLETED');
    });
    await expectOutcome({
      kind: 'pending',
      status: 'PENDING',
      reservation: 'ACTIVE',
      payment: 'UNKNOWN',
      stockVoided: false,
      charged: true,
    });
  });
});

describe('placing an order: a charge whose outcome is unknown is looked up, and sealed before "not charged"', () => {
  const timedOut = () => chargeFails(attempt.timeout, attempt.timeout, attempt.timeout);

  it('when the lookup finds it COMPLETED, then PAID', async () => {
    script(() => {
      timedOut();
      w.payments.onFind = async (orderId) => payment(orderId, TOTAL, 'COMPLETED');
    });
    await expectOutcome({ kind: 'paid', status: 'PAID', reservation: 'ACTIVE', payment: 'COMPLETED', stockVoided: false, charged: true });
  });

  it('when the lookup finds nothing, then the payment is voided first, and the order CANCELLED NOT_CHARGED', async () => {
    script(timedOut);
    const voids = w.payments.voided.length;
    const order = await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'NOT_CHARGED',
      code: 'payment_service_unavailable',
      stockVoided: true,
      charged: true,
    });
    expect(w.payments.voided.slice(voids)).toEqual([order.id]);
  });

  it('when the payment service kept answering 503 and has no payment, then voided and CANCELLED payment_failed', async () => {
    script(() => chargeFails(attempt.http(503), attempt.http(503), attempt.http(503)));
    await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'NOT_CHARGED',
      code: 'payment_failed',
      stockVoided: true,
      charged: true,
    });
  });

  it('when the lookup finds it FAILED, then voided and CANCELLED FAILED', async () => {
    script(() => {
      timedOut();
      w.payments.onFind = async (orderId) => payment(orderId, TOTAL, 'FAILED');
    });
    await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'FAILED',
      code: 'payment_failed',
      stockVoided: true,
      charged: true,
    });
  });

  it('when the charge lands between the lookup and the void, then the void says so and the order is PAID', async () => {
    script(() => {
      timedOut();
      w.payments.onVoid = async (orderId) => ({ kind: 'charged', payment: payment(orderId, TOTAL, 'COMPLETED') });
    });
    await expectOutcome({ kind: 'paid', status: 'PAID', reservation: 'ACTIVE', payment: 'COMPLETED', stockVoided: false, charged: true });
  });

  it.each([
    [
      'the lookup fails',
      () => {
        w.payments.onFind = async () => {
          throw failed('payment', attempt.timeout);
        };
      },
    ],
    [
      'the void fails',
      () => {
        w.payments.onVoid = async () => {
          throw failed('payment', attempt.unreachable);
        };
      },
    ],
    [
      'the lookup finds it REFUNDED',
      () => {
        w.payments.onFind = async (orderId) => payment(orderId, TOTAL, 'REFUNDED');
      },
    ],
  ])('when %s, then PENDING with UNKNOWN and its stock, for the recovery job', async (_case, setup) => {
    script(() => {
      timedOut();
      setup();
    });
    await expectOutcome({
      kind: 'pending',
      status: 'PENDING',
      reservation: 'ACTIVE',
      payment: 'UNKNOWN',
      stockVoided: false,
      charged: true,
    });
  });

  it('when the charge is refused because another worker voided the payment (409), then the lookup says not charged', async () => {
    script(() => {
      chargeFails(attempt.http(409, { code: 'payment_voided' }));
      w.payments.onFind = async (orderId) => payment(orderId, 0, 'VOIDED');
    });
    await expectOutcome({
      kind: 'cancelled',
      status: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'NOT_CHARGED',
      code: 'payment_failed',
      stockVoided: true,
      charged: true,
    });
  });
});

describe('placing an order: a workflow that was taken over stops at its next write', () => {
  it('when another worker takes the order while the reservation is out, then the workflow writes nothing and sends no charge', async () => {
    script(() => {
      w.products.onReserve = async (lines, id) => {
        await w.takeOver(id);
        return lines.map((line) => ({ ...line, name: 'Lamp', unitPriceCents: UNIT_PRICE_CENTS }));
      };
    });
    const charges = w.payments.charged.length;
    const voids = w.products.voided.length;

    const { placement, order } = await place();

    expect(placement.kind).toBe('superseded');
    expect(w.payments.charged).toHaveLength(charges);
    expect(w.products.voided).toHaveLength(voids);
    // Left as the other worker has it: PENDING with the reservation requested, no prices written.
    expect(order).toMatchObject({ status: 'PENDING', reservationState: 'REQUESTED', paymentState: 'NONE', totalCents: null });
  });

  it('when another worker takes the order while the charge is out, then the workflow does not record it PAID', async () => {
    script(() => {
      w.payments.onCharge = async (orderId, cents) => {
        await w.takeOver(orderId);
        return payment(orderId, cents, 'COMPLETED');
      };
    });
    const { placement, order } = await place();

    expect(placement.kind).toBe('superseded');
    expect(order).toMatchObject({ status: 'PENDING', reservationState: 'ACTIVE', paymentState: 'REQUESTED' });
    expect(order.history.map((entry) => entry.to)).toEqual(['PENDING']);
  });

  it('when another worker takes the order while a refused charge is being recorded, then the workflow does not cancel it or touch its stock', async () => {
    script(() => {
      w.payments.onCharge = async (orderId) => {
        await w.takeOver(orderId);
        throw failed('payment', attempt.http(400, { code: 'validation_failed' }));
      };
    });
    const voids = w.products.voided.length;
    const { placement, order } = await place();

    expect(placement.kind).toBe('superseded');
    expect(order.status).toBe('PENDING');
    expect(w.products.voided).toHaveLength(voids);
  });

  it('when the order id was written already by another request (an Idempotency-Key handed over), then that order is the answer, nothing is sent', async () => {
    script(() => {});
    const first = await w.place.place({ customerName: 'Ann', userId: null, lines: LINES }, ctx());
    const reservations = w.products.reserved.length;

    const again = await w.place.place({ orderId: first.order!.id, customerName: 'Ann', userId: null, lines: LINES }, ctx());

    expect(again.kind).toBe('superseded');
    expect(again.order).toMatchObject({ id: first.order!.id, status: 'PAID' });
    expect(w.products.reserved).toHaveLength(reservations);
  });

  it('when two workflows race for one new order id, then one places it and the other answers from it', async () => {
    script(() => {});
    const orderId = randomUUID();
    const [a, b] = await Promise.all([
      w.place.place({ orderId, customerName: 'Ann', userId: null, lines: LINES }, ctx()),
      w.place.place({ orderId, customerName: 'Ann', userId: null, lines: LINES }, ctx()),
    ]);
    expect([a.kind, b.kind].sort()).toEqual(['paid', 'superseded']);
    expect(w.payments.charged.filter((charge) => charge.orderId === orderId)).toHaveLength(1);
  });
});
