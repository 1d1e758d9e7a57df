// The adaptive limiter on a fake clock: what it lets through, and when, with no wall-clock timing.
import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter, cappedGate, ceilingBucket } from '../../../src/providers/adaptive-rate.ts';
import { busiestSecond, drive, simulatedClock } from './vendor-simulation.ts';

/** Whether `promise` has settled, after the microtasks queued so far. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('AdaptiveRateLimiter', () => {
  it('keeps its rate while the callers, not the rate, hold calls back', async () => {
    const { clock } = simulatedClock();
    const limiter = new AdaptiveRateLimiter({ initialRate: 20 }, clock);
    await limiter.take(); // within the burst: nobody waits
    limiter.succeeded();
    expect(limiter.ratePerSecond).toBe(20);
  });

  it('raises its rate while calls wait for it and are answered (slow start)', async () => {
    const { fake, clock } = simulatedClock();
    const limiter = new AdaptiveRateLimiter({ initialRate: 20 }, clock);
    await drive([limiter], fake, { forMs: 1_000 });
    expect(limiter.ratePerSecond).toBeGreaterThan(100);
  });

  it('with a configured ceiling never lets more calls than it go in any one second, and goes close to it', async () => {
    const { fake, clock } = simulatedClock(5);
    const limiter = new AdaptiveRateLimiter({ ceiling: 500, initialRate: 500 }, clock);
    const [times] = await drive([limiter], fake, { forMs: 10_000 });
    expect(busiestSecond(times!)).toBeLessThanOrEqual(500);
    expect(times!.length).toBeGreaterThanOrEqual(0.97 * 500 * 10);
  });

  it('on a 429 drops below what went in the last second, and holds only the refused call', async () => {
    const { fake, clock } = simulatedClock();
    const limiter = new AdaptiveRateLimiter({ initialRate: 300, decreaseFactor: 0.9 }, clock);
    const [times] = await drive([limiter], fake, { callers: 20, forMs: 2_000 });
    // Twenty callers answered in 100 ms send about 200 calls a second, below the rate: what they sent is
    // what the vendor refused more than.
    const sent = times!.filter((t) => t > 1_000).length;
    expect(sent).toBeLessThan(250);
    limiter.throttled(1_000);
    expect(limiter.ratePerSecond).toBeGreaterThanOrEqual(0.9 * 0.95 * sent);
    expect(limiter.ratePerSecond).toBeLessThanOrEqual(0.9 * 1.05 * sent);
    // The Retry-After (1 s) is for the refused call: the next call goes as soon as the last second holds fewer
    // calls than the new rate, a tenth of a second or so later.
    const next = limiter.take();
    await fake.tickAsync(300);
    expect(await settled(next)).toBe(true);
  });

  it('holds every new call until the Retry-After once the vendor answers nothing after a decrease', async () => {
    const { fake, clock } = simulatedClock();
    const limiter = new AdaptiveRateLimiter({ initialRate: 100, decreaseIntervalInMs: 1_000 }, clock);
    limiter.throttled(1_000);
    await fake.tickAsync(1_000);
    limiter.throttled(5_000);
    const held = limiter.take();
    await fake.tickAsync(4_990);
    expect(await settled(held)).toBe(false);
    await fake.tickAsync(20);
    expect(await settled(held)).toBe(true);
  });

  it('rejects a call aborted while held by a Retry-After with the signal reason', async () => {
    const { fake, clock } = simulatedClock();
    const limiter = new AdaptiveRateLimiter({}, clock);
    limiter.throttled();
    await fake.tickAsync(1_000);
    limiter.throttled(10_000);
    const controller = new AbortController();
    const held = limiter.take(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(held).rejects.toThrow('cancelled');
  });
});

describe('cappedGate', () => {
  it('holds its calls to its own ceiling in front of the shared limiter and passes outcomes through', async () => {
    const { fake, clock } = simulatedClock();
    const shared = new AdaptiveRateLimiter({ ceiling: 1_000, initialRate: 1_000, decreaseFactor: 0.5 }, clock);
    const gate = cappedGate(shared, ceilingBucket(50, clock));
    const [times] = await drive([gate], fake, { forMs: 3_000 });
    expect(busiestSecond(times!)).toBeLessThanOrEqual(50);
    expect(times!.length).toBeGreaterThanOrEqual(3 * 45);
    gate.throttled();
    expect(shared.ratePerSecond).toBeLessThan(1_000);
    expect(cappedGate(shared, undefined)).toBe(shared);
  });
});
