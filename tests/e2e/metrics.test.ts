import { randomUUID } from 'node:crypto';
import { labelValues, type MetricFamily, parsePrometheusText, sampleSum } from '@order-system/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, call, startTrio, type Trio } from './harness.js';

// GET /metrics of the three real services while orders go through them end to end.
let trio: Trio;
beforeAll(async () => {
  trio = await startTrio();
});
afterAll(() => trio?.stop());

type Service = 'order' | 'product' | 'payment';
type Scrape = Record<Service, Map<string, MetricFamily>>;
const SERVICES: Service[] = ['order', 'product', 'payment'];
const DURATION_COUNT = 'http_request_duration_seconds_count';

async function scrapeAll(): Promise<Scrape> {
  const entries = await Promise.all(
    SERVICES.map(async (service) => {
      const res = await fetch(`${trio[service].url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      return [service, parsePrometheusText(await res.text())] as const;
    }),
  );
  return Object.fromEntries(entries) as Scrape;
}

/** How much a sample grew between two scrapes of one service. */
const grew = (before: Scrape, after: Scrape, service: Service, name: string, labels: Record<string, string> = {}) =>
  sampleSum(after[service], name, labels) - sampleSum(before[service], name, labels);

describe('GET /metrics on the running trio', () => {
  it('when scraped, then each service answers valid Prometheus text with its process metrics and own counters', async () => {
    const scrape = await scrapeAll();
    for (const service of SERVICES) {
      expect(scrape[service].get('process_cpu_seconds_total')?.type).toBe('counter');
      expect(scrape[service].get('process_resident_memory_bytes')?.type).toBe('gauge');
      expect(scrape[service].get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
      expect(scrape[service].get('http_request_duration_seconds')?.type).toBe('histogram');
    }
    expect(scrape.order.get('orders_total')?.type).toBe('counter');
    expect(labelValues(scrape.product, 'reservations_total', 'outcome')).toEqual(
      new Set(['created', 'existing', 'voided', 'out_of_stock', 'product_not_found']),
    );
    expect(labelValues(scrape.product, 'reservation_releases_total', 'outcome')).toEqual(
      new Set(['released', 'already_released', 'voided', 'not_found']),
    );
    expect(labelValues(scrape.product, 'reservation_voids_total', 'outcome')).toEqual(
      new Set(['voided', 'already_voided', 'released', 'already_released', 'not_found']),
    );
    expect(labelValues(scrape.payment, 'payments_total', 'outcome')).toEqual(
      new Set(['created', 'retried', 'already_completed', 'amount_mismatch', 'refunded', 'voided', 'unavailable']),
    );
    expect(labelValues(scrape.payment, 'payment_refunds_total', 'outcome')).toEqual(
      new Set(['refunded', 'already_refunded', 'not_refundable', 'not_found']),
    );
    expect(labelValues(scrape.payment, 'payment_voids_total', 'outcome')).toEqual(
      new Set(['voided', 'already_voided', 'completed', 'refunded', 'not_found']),
    );
  });

  it('when orders are placed, refused, replayed and cancelled, then the counters and request durations move by exactly that', async () => {
    const product = await trio.createProduct({ price: '2.50', stock: 3 });
    const before = await scrapeAll();

    const paid = [];
    for (let i = 0; i < 2; i++)
      paid.push(await trio.createOrder({ customer_name: `m${i}`, items: [{ product_id: product.id, quantity: 1 }] }));
    const key = { headers: { 'Idempotency-Key': randomUUID() } };
    const keyed = await trio.createOrder({ customer_name: 'keyed', items: [{ product_id: product.id, quantity: 1 }] }, key);
    const replay = await trio.createOrder({ customer_name: 'keyed', items: [{ product_id: product.id, quantity: 1 }] }, key);
    const outOfStock = await trio.createOrder({ customer_name: 'late', items: [{ product_id: product.id, quantity: 1 }] });
    const unknown = await trio.createOrder({ customer_name: 'nobody', items: [{ product_id: 987_654_321, quantity: 1 }] });
    const cancelled = await trio.cancelOrder(paid[0]!.body.id, undefined, { auth: ADMIN });

    expect([...paid, keyed].map((res) => res.status)).toEqual([201, 201, 201]);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(keyed.body.id);
    expect(outOfStock.body).toMatchObject({ status: 'CANCELLED', code: 'out_of_stock' });
    expect(unknown.body).toMatchObject({ status: 'CANCELLED', code: 'product_not_found' });
    expect(cancelled.status).toBe(200);

    const after = await scrapeAll();
    // The replay is not a second order.
    expect(grew(before, after, 'order', 'orders_total')).toBe(5);
    expect(grew(before, after, 'order', 'orders_total', { status: 'PAID', code: 'none' })).toBe(3);
    expect(grew(before, after, 'order', 'orders_total', { status: 'CANCELLED', code: 'out_of_stock' })).toBe(1);
    expect(grew(before, after, 'order', 'orders_total', { status: 'CANCELLED', code: 'product_not_found' })).toBe(1);
    expect(grew(before, after, 'product', 'reservations_total', { outcome: 'created' })).toBe(3);
    expect(grew(before, after, 'product', 'reservations_total', { outcome: 'out_of_stock' })).toBe(1);
    expect(grew(before, after, 'product', 'reservation_releases_total', { outcome: 'released' })).toBe(1);
    expect(grew(before, after, 'payment', 'payments_total', { outcome: 'created' })).toBe(3);
    expect(grew(before, after, 'payment', 'payment_refunds_total', { outcome: 'refunded' })).toBe(1);

    // Every create request is timed, the replay included, under the route template.
    const orderPosts = { method: 'POST', route: '/api/orders' };
    expect(grew(before, after, 'order', DURATION_COUNT, { ...orderPosts, status: '201' })).toBe(4);
    expect(grew(before, after, 'order', DURATION_COUNT, { ...orderPosts, status: '400' })).toBe(2);
    expect(grew(before, after, 'order', DURATION_COUNT, { method: 'POST', route: '/api/orders/:id/cancel', status: '200' })).toBe(1);
    expect(grew(before, after, 'product', DURATION_COUNT, { method: 'POST', route: '/api/products/reservations', status: '201' })).toBe(3);
    expect(grew(before, after, 'payment', DURATION_COUNT, { method: 'POST', route: '/api/payments', status: '201' })).toBe(3);
    expect(grew(before, after, 'order', 'http_request_duration_seconds_sum', orderPosts)).toBeGreaterThan(0);
    for (const service of SERVICES) expect(grew(before, after, service, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('when a void seals an order that was never charged, then payment_voids_total counts it', async () => {
    const before = await scrapeAll();
    const res = await call('POST', `${trio.payment.url}/api/payments/${randomUUID()}/void/`, undefined, { auth: ADMIN });
    expect(res.status).toBe(200);
    const after = await scrapeAll();
    expect(grew(before, after, 'payment', 'payment_voids_total', { outcome: 'voided' })).toBe(1);
  });

  it('when a scanner walks unknown paths on every service, then no route label value is added per path', async () => {
    const before = await scrapeAll();
    for (const service of SERVICES) {
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${trio[service].url}/.env.${i}/../admin/${randomUUID()}`);
        expect(res.status).toBe(404);
      }
    }
    const after = await scrapeAll();
    for (const service of SERVICES) {
      const routes = labelValues(after[service], DURATION_COUNT, 'route');
      expect(routes).toContain('unmatched');
      expect(routes.size).toBeLessThanOrEqual(labelValues(before[service], DURATION_COUNT, 'route').size + 1);
      expect([...routes].some((route) => route.includes('admin') || route.includes('.env'))).toBe(false);
      expect(grew(before, after, service, DURATION_COUNT, { route: 'unmatched', status: '404' })).toBe(20);
    }
  });
});
