import { describe, expect, it } from 'vitest';
import { EventIds } from './event-ids.js';

describe('event ids', () => {
  const ids = new EventIds('0123456789abcde');

  it('when made from a position, then they are version 8 UUIDs that lead back to it', () => {
    for (const position of [1, 42, 2 ** 31 - 1, Number.MAX_SAFE_INTEGER]) {
      const id = ids.id(position);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ids.position(id)).toBe(position);
      expect(ids.position(id.toUpperCase())).toBe(position);
    }
    expect(ids.id(1)).toBe('01234567-89ab-8cde-8000-000000000001');
  });

  it('when an id is of another database, malformed or names no position, then it names nothing', () => {
    const other = new EventIds('fedcba987654321');

    expect(ids.position(other.id(7))).toBeNull();
    for (const bad of [
      '',
      'x',
      '01234567-89ab-8cde-8000-00000000000',
      '01234567-89ab-4cde-8000-000000000001',
      '01234567-89ab-8cde-8000-000000000000',
    ]) {
      expect(ids.position(bad)).toBeNull();
    }
    expect(() => new EventIds('short')).toThrow();
  });
});
