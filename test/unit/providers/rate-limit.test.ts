import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/providers/rate-limit.ts';

describe('TokenBucket', () => {
  it('spaces takes at the configured rate (loose lower bound only)', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 50, burst: 1 });
    const started = performance.now();
    for (let i = 0; i < 10; i++) await bucket.take();
    // 1 token up front, 9 more at 20 ms each.
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('lets a burst through at once, and makes the next take wait for a refill', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 5 });
    const taken: number[] = [];
    const takes = Array.from({ length: 6 }, (_, i) => bucket.take().then(() => taken.push(i)));
    // No clock read: the burst resolves before the event loop's next turn; the sixth token is a second away.
    await new Promise((resolve) => setImmediate(resolve));
    expect(taken).toEqual([0, 1, 2, 3, 4]);
    await Promise.all(takes);
    expect(taken).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('serves concurrent waiters in arrival order', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 200, burst: 1 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 8 }, (_, i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects an aborted waiter and keeps serving the others', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 1 });
    await bucket.take();
    const controller = new AbortController();
    const abandoned = bucket.take(controller.signal);
    const next = bucket.take();
    controller.abort(new Error('cancelled'));
    await expect(abandoned).rejects.toThrow('cancelled');
    await expect(next).resolves.toBeUndefined();
  });

  it('refuses nonsense settings', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});
