import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from './order-event.js';

describe('event ids', () => {
  it('when made, then they are version 7 UUIDs that sort by the time they were made', () => {
    const earlier = timeOrderedUuid(1_700_000_000_000);
    const later = timeOrderedUuid(1_700_000_000_001);

    for (const id of [earlier, later, timeOrderedUuid()]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(earlier < later).toBe(true);
    expect(earlier.slice(0, 13)).toBe('018bcfe5-6800');
    expect(new Set(Array.from({ length: 1000 }, () => timeOrderedUuid())).size).toBe(1000);
  });
});
