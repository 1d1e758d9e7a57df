import { describe, expect, it } from 'vitest';
import { AimdRate, MAX_RATE_PER_SECOND } from '../../../src/providers/aimd.ts';

/** `n` contended successes. */
function succeed(rate: AimdRate, n: number): void {
  for (let i = 0; i < n; i++) rate.succeeded();
}

describe('AimdRate', () => {
  it('doubles in slow start: one request per second more for each answered call', () => {
    const rate = new AimdRate({ initialRate: 20 });
    succeed(rate, 20); // a second of calls at 20/s
    expect(rate.ratePerSecond).toBe(40);
    succeed(rate, 40);
    expect(rate.ratePerSecond).toBe(80);
  });

  it('never passes the ceiling, and starts at it when the initial rate is higher', () => {
    const rate = new AimdRate({ initialRate: 20, ceiling: 50 });
    succeed(rate, 1_000);
    expect(rate.ratePerSecond).toBe(50);
    expect(rate.succeeded()).toBe(false);
    expect(new AimdRate({ initialRate: 500, ceiling: 100 }).ratePerSecond).toBe(100);
    const free = new AimdRate({ initialRate: MAX_RATE_PER_SECOND - 1 });
    succeed(free, 10);
    expect(free.ratePerSecond).toBe(MAX_RATE_PER_SECOND);
  });

  it('on a 429 multiplies the rate by the factor, then adds increasePerSecond per second of calls', () => {
    const rate = new AimdRate({ initialRate: 100, decreaseFactor: 0.8, increasePerSecond: 10 });
    expect(rate.throttled(0)).toBe(true);
    expect(rate.ratePerSecond).toBe(80);
    // Congestion avoidance: each call adds 10 / rate, so about 80 calls (a second at 80/s) add about 10.
    succeed(rate, 80);
    expect(rate.ratePerSecond).toBeGreaterThan(89.4);
    expect(rate.ratePerSecond).toBeLessThan(90);
  });

  it('takes one decrease per overshoot: 429s within the interval of a decrease change nothing', () => {
    const rate = new AimdRate({ initialRate: 100, decreaseFactor: 0.5, decreaseIntervalInMs: 1_000 });
    expect(rate.throttled(5_000)).toBe(true);
    for (const at of [5_000, 5_200, 5_999]) expect(rate.throttled(at)).toBe(false);
    expect(rate.ratePerSecond).toBe(50);
    expect(rate.throttled(6_000)).toBe(true);
    expect(rate.ratePerSecond).toBe(25);
  });

  it('does not go below the floor', () => {
    const rate = new AimdRate({ initialRate: 4, floor: 2, decreaseFactor: 0.5, decreaseIntervalInMs: 0 });
    rate.throttled(0);
    expect(rate.ratePerSecond).toBe(2);
    expect(rate.throttled(1)).toBe(false);
    expect(rate.ratePerSecond).toBe(2);
  });

  it('refuses options out of range', () => {
    expect(() => new AimdRate({ decreaseFactor: 1 })).toThrow();
    expect(() => new AimdRate({ ceiling: 0 })).toThrow();
    expect(() => new AimdRate({ initialRate: -1 })).toThrow();
  });
});
