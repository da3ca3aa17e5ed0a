import { describe, expect, it } from 'vitest';
import { LocalTurns } from './local-turns.js';

/** A promise and the function that resolves it, to hold a task open for as long as a test needs. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('LocalTurns', () => {
  it('when an order is held, then its holder is known until the work ends, even if it throws', async () => {
    const inFlight = new LocalTurns();
    const { opened, open } = gate();

    const work = inFlight.run('a', 'workflow', async () => {
      await opened;
      throw new Error('boom');
    });

    expect(inFlight.holder('a')).toBe('workflow');
    expect(inFlight.holder('b')).toBeUndefined();
    open();
    await expect(work).rejects.toThrow('boom');
    expect(inFlight.holder('a')).toBeUndefined();
  });

  it('when run finds the order held, then it waits for the holder and runs after it, one at a time', async () => {
    const inFlight = new LocalTurns();
    const { opened, open } = gate();
    const events: string[] = [];

    const first = inFlight.run('a', 'cancel', async () => {
      events.push('first starts');
      await opened;
      events.push('first ends');
    });
    const second = inFlight.run('a', 'cancel', async () => {
      events.push('second runs');
    });
    await Promise.resolve();
    open();
    await Promise.all([first, second]);

    expect(events).toEqual(['first starts', 'first ends', 'second runs']);
  });

  it('when tryRun finds the order held, then it skips at once; other orders are not affected', async () => {
    const inFlight = new LocalTurns();
    const { opened, open } = gate();
    const held = inFlight.run('a', 'workflow', () => opened);

    const skipped = await inFlight.tryRun('a', 'recovery', async () => 'ran');
    const other = await inFlight.tryRun('b', 'recovery', async () => 'ran');

    expect(skipped).toBe('skipped');
    expect(other).toBe('ran');
    open();
    await held;
  });
});
