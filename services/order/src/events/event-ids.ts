const EVENT_ID = /^([0-9a-f]{8})-([0-9a-f]{4})-8([0-9a-f]{3})-8([0-9a-f]{3})-([0-9a-f]{12})$/i;
const PREFIX = /^[0-9a-f]{15}$/;

/**
 * Event ids: UUIDs (version 8, RFC 9562) made of the database's prefix (60 random bits, made once
 * by the migration) and the event's position in the outbox. They are unique as positions are, never
 * repeat across databases, and lead straight back to their row: the outbox needs no id column and
 * no index for it, which keeps the write that goes with every change of an order cheap.
 */
export class EventIds {
  readonly #prefix: string;

  constructor(prefix: string) {
    if (!PREFIX.test(prefix)) throw new Error(`the event id prefix must be 15 hexadecimal digits, not ${JSON.stringify(prefix)}`);
    this.#prefix = prefix.toLowerCase();
  }

  id(position: number): string {
    const p = this.#prefix;
    const at = position.toString(16).padStart(15, '0');
    return `${p.slice(0, 8)}-${p.slice(8, 12)}-8${p.slice(12, 15)}-8${at.slice(0, 3)}-${at.slice(3)}`;
  }

  /** The position an id of this database names; null for anything else. */
  position(id: string): number | null {
    const match = EVENT_ID.exec(id);
    if (!match) return null;
    const [, a = '', b = '', c = '', high = '', low = ''] = match;
    if (`${a}${b}${c}`.toLowerCase() !== this.#prefix) return null;
    const position = Number.parseInt(`${high}${low}`, 16);
    return Number.isSafeInteger(position) && position > 0 ? position : null;
  }
}
