import { createHash, randomUUID } from 'node:crypto';
import { AppError, BadRequestError, ConflictError, type Logger } from '@order-system/platform';
import type { IdempotencyKey } from '../../generated/prisma/client.js';
import type { OrderWork } from '../domain/order.js';
import type { IdempotencyRepository } from './idempotency.repository.js';

/** An HTTP answer as it was sent, so it can be sent again. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export interface IdempotentRequest {
  /** Who is asking: keys of different callers never meet. */
  scope: string;
  key: string;
  /** The request's parameters; the same key with other parameters is refused. */
  body: unknown;
}

/** Who is working on an order right now, in any replica (OrderLeases). */
export interface OrderHolders {
  holder(orderId: string): Promise<OrderWork | undefined>;
}

/**
 * Set where several replicas share the database: a claim whose order is not written yet may be
 * another replica's request, still running, while the claim is younger than a lease's life (once
 * the order is written, its lease tells).
 */
export interface SharedDatabase {
  claimLifetimeMs: number;
}

/** Keys are kept at least this long (the contract asks for 24 hours). */
export const KEY_RETENTION_MS = 24 * 60 * 60 * 1000;
/**
 * An answer that says "not decided yet" (202 payment_pending): it is not replayed as it was, but
 * made again from what the order has become, until the order is decided and that answer is kept.
 */
const PROVISIONAL_STATUS = 202;
const PURGE_EVERY_MS = 60 * 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export class IdempotencyKeyMismatchError extends AppError {
  constructor() {
    super(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with another request body');
  }
}

export class IdempotencyKeyInProgressError extends ConflictError {
  constructor() {
    super('idempotency_key_in_progress', 'A request with this Idempotency-Key is still being processed; retry later');
  }
}

/** Header value -> key, or undefined when absent; a malformed key is a 400. */
export function readIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KEY_PATTERN.test(header)) {
    throw new BadRequestError('invalid_idempotency_key', 'Idempotency-Key must be 1-255 printable ASCII characters without spaces');
  }
  return header;
}

/**
 * Stripe's semantics for POST /api/orders/, around the handler at the HTTP edge (what it stores is
 * the HTTP answer, status and body): the first request with a key runs and its answer is
 * stored; a repeat with the same body gets that answer again (also after a restart); a repeat
 * with another body is a 422; a repeat while the first is still running is a 409.
 *
 * The order id is fixed when the key is claimed. If the process dies mid-request, the claim
 * stays IN_PROGRESS; a later repeat (no longer in flight here) answers from what became of that
 * order, or runs the request again under the same order id if the order was never written. A
 * repeat of a request whose answer was provisional (202, the charge's outcome unknown) answers
 * from the order as it is now too, the same way: once the recovery job has decided it, with that.
 */
export class IdempotencyService {
  private readonly inFlight = new Set<string>();
  private lastPurge = 0;

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly holders: OrderHolders,
    private readonly logger: Logger,
    private readonly replicas?: SharedDatabase,
  ) {}

  async run(
    request: IdempotentRequest,
    handlers: { execute: (orderId: string) => Promise<StoredAnswer>; answerFor: (orderId: string) => Promise<StoredAnswer | null> },
    log: Logger = this.logger,
  ): Promise<StoredAnswer & { replayed: boolean }> {
    await this.purgeOccasionally();
    const hash = fingerprint(request.body);
    const id = `${request.scope}\u0000${request.key}`;
    const claim = await this.keys.claim(request.scope, request.key, hash, randomUUID());
    const record = claim.record;
    if (record.requestHash !== hash) throw new IdempotencyKeyMismatchError();

    if (claim.kind === 'exists') {
      const completed = record.status === 'COMPLETED';
      if (completed && record.responseStatus !== PROVISIONAL_STATUS) {
        log.info({ idempotency_key: request.key, order_id: record.orderId }, 'idempotent replay');
        return { ...storedAnswer(record), replayed: true };
      }
      // Still running, here or in another replica (its workflow holds the order): a repeat must not
      // answer from an order that is being decided.
      if (!completed && (this.inFlight.has(id) || (await this.holders.holder(record.orderId)) === 'workflow')) {
        throw new IdempotencyKeyInProgressError();
      }
      // A request that did not finish (the process stopped), or whose answer was provisional:
      // answer from its order as it is now, if it exists.
      const answer = await handlers.answerFor(record.orderId);
      if (answer) {
        const why = completed ? 'idempotent replay of a provisional answer' : 'idempotent replay of an interrupted request';
        log.info({ idempotency_key: request.key, order_id: record.orderId, status: answer.status }, why);
        if (answer.status !== PROVISIONAL_STATUS) await this.keys.complete(request.scope, request.key, answer.status, answer.body);
        return { ...answer, replayed: true };
      }
      if (completed) return { ...storedAnswer(record), replayed: true };
      // No order yet, but another replica may be placing it: running the request here too would place it twice.
      if (this.replicas && Date.now() - record.createdAt.getTime() < this.replicas.claimLifetimeMs) {
        throw new IdempotencyKeyInProgressError();
      }
    }

    this.inFlight.add(id);
    try {
      const answer = await handlers.execute(record.orderId);
      await this.keys.complete(request.scope, request.key, answer.status, answer.body);
      return { ...answer, replayed: false };
    } catch (err) {
      // Nothing to replay: let a retry run again (under the same order id, so it finds what this try wrote).
      // Released only when it is known that no order was written: a lookup that fails (the database
      // stalled) keeps the claim, so a retry answers from that order, or runs again under its id, never
      // placing a second order.
      const written = await handlers.answerFor(record.orderId).then(
        (answer) => answer !== null,
        () => true,
      );
      if (!written) await this.keys.release(request.scope, request.key);
      throw err;
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async purgeOccasionally(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    const purged = await this.keys.purgeCompletedBefore(new Date(now - KEY_RETENTION_MS));
    if (purged > 0) this.logger.info({ purged }, 'expired idempotency keys removed');
  }
}

function storedAnswer(record: IdempotencyKey): StoredAnswer {
  return { status: record.responseStatus ?? 200, body: record.responseBody === null ? null : JSON.parse(record.responseBody) };
}

/** SHA-256 of the body as canonical JSON (object keys sorted), so key order does not matter. */
export function fingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
