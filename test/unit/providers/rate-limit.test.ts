import { describe, expect, it } from 'vitest';
import { bucketAt, TokenBucket } from '../../../src/providers/rate-limit.ts';
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

  it('loses no rate to timers that fire late, within its burst', async () => {
    // The loop gets to its timers up to 50 ms apart against a 2 ms spacing: what accrued meanwhile goes at once.
    const { fake, clock } = simulatedClock(50);
    const bucket = new TokenBucket(bucketAt(500), clock);
    const times = await grantTimes(10_000, bucket, fake, 10_000);
    expect(times.length).toBeGreaterThanOrEqual(0.99 * 500 * 10);
  });

  it('never lets more than perSecond go in any one-second window, bursts included', async () => {
    for (const limit of [1, 7, 50, 500, 5_000]) {
      // Catching up after late timers is what could crowd a second; the cap holds it.
      const { fake, clock } = simulatedClock(100);
      const bucket = new TokenBucket(bucketAt(limit), clock);
      const times = await grantTimes(limit * 4, bucket, fake, 3_000);
      expect(busiestSecond(times)).toBe(limit);
    }
  });

  it('tells how many it let go in the last second', async () => {
    const { fake, clock } = simulatedClock();
    const bucket = new TokenBucket({ ratePerSecond: 100, burst: 10, perSecond: 100 }, clock);
    await grantTimes(150, bucket, fake, 1_200);
    // 10 at once, then one each 10 ms: the 100 of (200 ms, 1,200 ms].
    expect(bucket.sentLastSecond()).toBe(100);
  });

  it('counts callers still waiting as contention, however many answers come in one turn', async () => {
    const { fake, clock } = simulatedClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 }, clock);
    await bucket.take();
    expect(bucket.takeContended()).toBe(false);
    const waiting = [bucket.take(), bucket.take()];
    // Two answers read back to back, no take between them: callers are held back all the same.
    expect([bucket.takeContended(), bucket.takeContended()]).toEqual([true, true]);
    await fake.tickAsync(2_000);
    await Promise.all(waiting);
    // Served, and nobody waited since the last look.
    expect(bucket.takeContended()).toBe(false);
  });

  it('refuses nonsense settings', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, perSecond: 0 })).toThrow(RangeError);
  });
});
