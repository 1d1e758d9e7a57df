import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter, cappedGate } from '../../../src/providers/adaptive-rate.ts';
import { MAX_RATE_PER_SECOND } from '../../../src/providers/aimd.ts';
import { limitersByEndpoint } from '../../../src/providers/provider-set.ts';

describe('AdaptiveRateLimiter', () => {
  it('keeps its rate while the callers, not the rate, hold calls back', async () => {
    const limiter = new AdaptiveRateLimiter({ initialRate: 20 });
    for (let i = 0; i < 2; i++) {
      await limiter.take(); // within the burst: nobody waits
      limiter.succeeded();
    }
    expect(limiter.ratePerSecond).toBe(20);
  });

  it('raises its rate when calls had to wait for it and were answered', async () => {
    const limiter = new AdaptiveRateLimiter({ initialRate: 20 });
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        await limiter.take();
        limiter.succeeded();
      }),
    );
    expect(limiter.ratePerSecond).toBeGreaterThan(20);
  });

  it('on a 429 slows down and holds every new call until its Retry-After has passed', async () => {
    const limiter = new AdaptiveRateLimiter({ initialRate: 100, decreaseFactor: 0.5 });
    await limiter.take();
    limiter.throttled(300);
    expect(limiter.ratePerSecond).toBe(50);
    const started = performance.now();
    await limiter.take();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('rejects a call aborted while held by a Retry-After with the signal reason', async () => {
    const limiter = new AdaptiveRateLimiter();
    limiter.throttled(10_000);
    const controller = new AbortController();
    const held = limiter.take(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(held).rejects.toThrow('cancelled');
  });

  it('puts a provider ceiling in front of the shared limiter and passes outcomes through', async () => {
    const shared = new AdaptiveRateLimiter({ initialRate: 100, decreaseFactor: 0.5 });
    const gate = cappedGate(shared, 10);
    await gate.take();
    gate.throttled();
    expect(shared.ratePerSecond).toBe(50);
    expect(cappedGate(shared, undefined)).toBe(shared);
  });
});

describe('limitersByEndpoint', () => {
  it('gives every provider behind one origin the same limiter, starting at the largest ceiling', () => {
    const limiters = limitersByEndpoint([
      { endpoint: 'http://vendor.example', ceiling: 300 },
      { endpoint: 'http://vendor.example', ceiling: 200 },
      { endpoint: 'http://other.example', ceiling: undefined },
    ]);
    expect(limiters.size).toBe(2);
    expect(limiters.get('http://vendor.example')!.ratePerSecond).toBe(300);
    // Without a configured limit the limiter starts low and finds the vendor's.
    expect(limiters.get('http://other.example')!.ratePerSecond).toBe(20);
    // Ceilings lifted out of the way (benchmarks, tests) stay within the limiter's range.
    const lifted = limitersByEndpoint([0, 1, 2].map(() => ({ endpoint: 'http://x', ceiling: MAX_RATE_PER_SECOND })));
    expect(lifted.get('http://x')!.ratePerSecond).toBe(MAX_RATE_PER_SECOND);
  });
});
