import { describe, expect, it } from 'vitest';
import { bucketAt, paceWithin, TokenBucket } from '../../../src/providers/rate-limit.ts';
import { busiestSecond, simulatedClock } from './vendor-simulation.ts';

/** Takes `n` tokens from `bucket` at once and returns the fake time each was granted, after `forMs`. */
async function grantTimes(
  n: number,
  bucket: TokenBucket,
  fake: ReturnType<typeof simulatedClock>['fake'],
  forMs: number,
) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) void bucket.take().then(() => times.push(fake.now));
  await fake.tickAsync(forMs);
  return times;
}

describe('TokenBucket', () => {
  it('spaces takes at its rate', async () => {
    const { fake, clock } = simulatedClock();
    const bucket = new TokenBucket({ ratePerSecond: 50, burst: 1 }, clock);
    const times = await grantTimes(10, bucket, fake, 1_000);
    // 1 token up front, 9 more at 20 ms each.
    expect(times).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180]);
  });

  it('lets a burst through at once, and makes the next take wait for a refill', async () => {
    const { fake, clock } = simulatedClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 5 }, clock);
    const times = await grantTimes(6, bucket, fake, 2_000);
    expect(times).toEqual([0, 0, 0, 0, 0, 1_000]);
  });

  it('serves concurrent waiters in arrival order', async () => {
    const { fake, clock } = simulatedClock();
    const bucket = new TokenBucket({ ratePerSecond: 200, burst: 1 }, clock);
    const order: number[] = [];
    for (let i = 0; i < 8; i++) void bucket.take().then(() => order.push(i));
    await fake.tickAsync(100);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects an aborted waiter and keeps serving the others', async () => {
    const { fake, clock } = simulatedClock();
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 1 }, clock);
    await bucket.take();
    const controller = new AbortController();
    const abandoned = bucket.take(controller.signal);
    const next = bucket.take();
    controller.abort(new Error('cancelled'));
    await expect(abandoned).rejects.toThrow('cancelled');
    await fake.tickAsync(50);
    await expect(next).resolves.toBeUndefined();
  });

  it('serves the head waiter at the new rate when the rate changes', async () => {
    const { fake, clock } = simulatedClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 }, clock);
    await bucket.take();
    const times = grantTimes(1, bucket, fake, 0);
    // A second away at 1/s; at 100/s its token is 10 ms away.
    bucket.setRate({ ratePerSecond: 100, burst: 1 });
    await fake.tickAsync(10);
    expect(await times).toEqual([10]);
  });

  it('loses no rate to a timer that fires late, within its burst', async () => {
    // Timers up to 10 ms late against a 2 ms spacing: the tokens accrued meanwhile go at once.
    const { fake, clock } = simulatedClock(10);
    const bucket = new TokenBucket(bucketAt(500), clock);
    const times = await grantTimes(10_000, bucket, fake, 10_000);
    expect(times.length).toBeGreaterThanOrEqual(0.99 * 500 * 10);
  });

  it('refuses nonsense settings', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});

describe('paceWithin', () => {
  it('is the rate whose bucket never sends more than the limit in any one second', async () => {
    for (const limit of [1, 7, 50, 500, 5_000]) {
      const { fake, clock } = simulatedClock();
      const rate = paceWithin(limit);
      const times = await grantTimes(limit * 4, new TokenBucket(bucketAt(rate), clock), fake, 3_000);
      // Within a call or two of it: timers fire on whole milliseconds, and a single-token bucket loses the
      // part of a token accrued between its due time and the millisecond it is served.
      expect(busiestSecond(times)).toBeLessThanOrEqual(limit);
      expect(busiestSecond(times)).toBeGreaterThanOrEqual(limit - Math.max(2, limit * 0.02));
    }
    expect(paceWithin(500)).toBe(490);
  });
});
