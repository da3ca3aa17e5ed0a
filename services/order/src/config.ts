import { baseConfigSchema, loadConfig, portSchema } from '@order-system/platform';
import { z } from 'zod';

const serviceUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default(fallback)
    .transform((url) => url.replace(/\/+$/, ''));

const integer = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const optionalInteger = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

export const orderConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8000),
  DATABASE_URL: z.string().min(1).default('file:./data/order.db'),
  PRODUCT_SERVICE_URL: serviceUrl('http://127.0.0.1:8001'),
  PAYMENT_SERVICE_URL: serviceUrl('http://127.0.0.1:8002'),
  /** Time allowed for one attempt of one call to another service. */
  UPSTREAM_TIMEOUT_MS: integer(50, 60_000, 3000),
  /** The same, for the product service alone, and for the payment service alone (default: UPSTREAM_TIMEOUT_MS). */
  PRODUCT_TIMEOUT_MS: optionalInteger(50, 60_000),
  PAYMENT_TIMEOUT_MS: optionalInteger(50, 60_000),
  /** Extra attempts after a transient failure (network error, timeout, 5xx, 429): 2 means 3 attempts. */
  PAYMENT_RETRIES: integer(0, 5, 2),
  PRODUCT_RETRIES: integer(0, 5, 2),
  /** First retry waits about this long, each next one twice as long, plus up to 50 % jitter. */
  RETRY_BASE_DELAY_MS: integer(0, 10_000, 200),
  /** How often the recovery job looks for orders a crash or an outage left half done (it also runs once at start). */
  RECOVERY_INTERVAL_MS: integer(100, 86_400_000, 30_000),
  /**
   * How old a PENDING order must be before the recovery job decides it. Keep it well above the
   * longest a create-order workflow can take (about 6 calls x 3 attempts x UPSTREAM_TIMEOUT_MS,
   * plus backoff: about 55 s with the defaults), so that no late call can still arrive. (A charge
   * that arrives later anyway is refused: an order is only decided "not charged" once the payment
   * service has voided its payment.)
   */
  RECOVERY_GRACE_MS: integer(0, 86_400_000, 120_000),
  /**
   * How often the recovery job also reconciles: it asks the payment service for payments completed
   * since it last looked and refunds any whose order is CANCELLED (and the other way round).
   */
  RECONCILIATION_INTERVAL_MS: integer(100, 86_400_000, 60_000),
  /**
   * How long a worker's hold on an order (its lease) lasts without renewal. It is renewed every third
   * of this while the work runs; when a replica dies or stalls, its orders are free for another
   * replica's recovery job this long after, and the stalled one's writes are refused from then on.
   */
  ORDER_LEASE_TTL_MS: integer(200, 3_600_000, 30_000),
  /** Carts nobody changed for this many days are removed (not one whose checkout's order is still PENDING). */
  CART_TTL_DAYS: integer(1, 3650, 30),
  /** How often expired carts are looked for (it also happens once at start). */
  CART_EXPIRY_INTERVAL_MS: integer(1000, 86_400_000, 3_600_000),
  /**
   * The RabbitMQ the order events are published to (amqp:// or amqps://, with credentials and vhost).
   * Unset: no broker; the events are still recorded, and served by GET /api/orders/events/.
   */
  RABBITMQ_URL: z.url({ protocol: /^amqps?$/, error: 'must be an amqp:// or amqps:// URL' }).optional(),
  /** The durable topic exchange the events are published to (routing key: the event type). */
  ORDER_EVENTS_EXCHANGE: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,255}$/, 'must be 1-255 letters, digits, "-", "_", "." or ":"')
    .default('order_events'),
  /** Days an order event is kept (an order's last event is always kept); with a broker, only once published. */
  ORDER_EVENTS_RETENTION_DAYS: integer(1, 3650, 30),
  /** Time between two heartbeats (comment lines) of a live order status stream (ms). */
  ORDER_EVENTS_HEARTBEAT_MS: integer(100, 300_000, 15_000),
  /**
   * Where replicas share PostgreSQL: how long the event relay lease of the replica that publishes
   * lasts without renewal (ms); another replica takes over publishing this long after it died.
   */
  ORDER_EVENTS_RELAY_LEASE_MS: integer(1000, 600_000, 15_000),
});

export type OrderConfig = z.infer<typeof orderConfigSchema>;

export function loadOrderConfig(env: Record<string, string | undefined>): OrderConfig {
  return loadConfig(orderConfigSchema, env);
}
