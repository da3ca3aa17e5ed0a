import { describe, expect, it } from 'vitest';
import { Mutex } from './mutex.js';

describe('Mutex', () => {
  it('when tasks overlap, then they run one at a time in arrival order', async () => {
    const mutex = new Mutex();
    const events: string[] = [];
    const task = (name: string) =>
      mutex.run(async () => {
        events.push(`start ${name}`);
        await Promise.resolve();
        await Promise.resolve();
        events.push(`end ${name}`);
      });
    await Promise.all([task('a'), task('b'), task('c')]);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('when a task throws, then the lock is released for the next one', async () => {
    const mutex = new Mutex();
    await expect(mutex.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run(async () => 'next')).resolves.toBe('next');
  });

  it('when a release function is called twice, then the second call does nothing', async () => {
    const mutex = new Mutex();
    const release = await mutex.acquire();
    release();
    release();
    const order: number[] = [];
    const first = mutex.acquire().then((r) => {
      order.push(1);
      return r;
    });
    const releaseFirst = await first;
    const second = mutex.run(async () => order.push(2));
    await Promise.resolve();
    expect(order).toEqual([1]);
    releaseFirst();
    await second;
    expect(order).toEqual([1, 2]);
  });
});
