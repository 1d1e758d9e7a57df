import { describe, expect, it } from 'vitest';
import { MAX_RATE_PER_SECOND, RateControl } from '../../../src/providers/rate-control.ts';

/** `n` answered calls at `at` ms. */
function succeed(rate: RateControl, n: number, at = 0, contended = true): void {
  for (let i = 0; i < n; i++) rate.succeeded(at, contended);
}

describe('RateControl', () => {
  it('in slow start gains slowStartGain requests per second for each call answered while it held callers back', () => {
    const rate = new RateControl({ initialRate: 20, slowStartGain: 4 });
    succeed(rate, 5);
    expect(rate.ratePerSecond).toBe(40);
    // Callers that never waited say nothing about the vendor's limit.
    succeed(rate, 100, 0, false);
    expect(rate.ratePerSecond).toBe(40);
  });

  it('stays margin below the ceiling, and starts there when the initial rate is higher', () => {
    const rate = new RateControl({ initialRate: 20, ceiling: 50, margin: 0.02 });
    succeed(rate, 1_000);
    expect(rate.ratePerSecond).toBe(49);
    expect(rate.succeeded(0, true)).toBe(false);
    expect(new RateControl({ initialRate: 500, ceiling: 100, margin: 0 }).ratePerSecond).toBe(100);
    const free = new RateControl({ initialRate: MAX_RATE_PER_SECOND - 1 });
    succeed(free, 10);
    expect(free.ratePerSecond).toBe(MAX_RATE_PER_SECOND);
  });

  it('on a 429 takes what went in the last second as the vendor’s limit and drops below it', () => {
    // A slow start overshot to 700/s while the vendor's window admitted 500: the rate goes by what was sent.
    const overshot = new RateControl({ initialRate: 700, decreaseFactor: 0.9 });
    expect(overshot.throttled(1_000, 500)).toEqual({ decreased: true, holdAll: false });
    expect(overshot.ratePerSecond).toBe(450);
  });

  it('at the first 429 takes a limit no lower than a slow start could have overshot', () => {
    // A slow start gains slowStartGain per answer: in the second the vendor's window filled, at most 4 more than
    // the limit per answer, so the rate is at most 5 times the limit. Idle callers that sent 3 do not sink it.
    const quiet = new RateControl({ initialRate: 400, slowStartGain: 4, decreaseFactor: 0.5 });
    quiet.throttled(0, 3);
    expect(quiet.ratePerSecond).toBe(40);
    const busy = new RateControl({ initialRate: 400, decreaseFactor: 0.5 });
    busy.throttled(0, 1_000);
    expect(busy.ratePerSecond).toBe(200);
  });

  it('after a quiet spell takes a 429 as a small correction, not as what little went in the last second', () => {
    const rate = new RateControl({ initialRate: 500, decreaseFactor: 0.9, decreaseIntervalInMs: 1_000, margin: 0 });
    rate.throttled(0, 500);
    rate.succeeded(10_000, false); // recovered to 500
    // Callers that sent 300 in the last second (the job between chunks) and a refusal of calls that bunched:
    // the limit is taken as 0.9 of the rate, not 300.
    rate.throttled(10_000, 300);
    expect(rate.ratePerSecond).toBeCloseTo(0.9 * 0.9 * 500, 6);
    // Another 429 soon after: the decrease was not enough, and what went in the last second decides.
    rate.throttled(11_500, 300);
    expect(rate.ratePerSecond).toBeCloseTo(0.9 * 300, 6);
  });

  it('after a decrease closes half the distance to just under the limit every half-life', () => {
    const rate = new RateControl({ initialRate: 500, decreaseFactor: 0.9, margin: 0.02, recoveryHalfLifeInMs: 250 });
    rate.throttled(10_000, 500);
    expect(rate.ratePerSecond).toBe(450);
    const target = 490;
    rate.succeeded(10_250, false);
    expect(rate.ratePerSecond).toBeCloseTo(target - (target - 450) / 2, 9);
    rate.succeeded(10_500, true);
    expect(rate.ratePerSecond).toBeCloseTo(target - (target - 450) / 4, 9);
    rate.succeeded(14_000, true);
    expect(rate.ratePerSecond).toBeLessThan(target);
    expect(rate.ratePerSecond).toBeGreaterThan(target - 0.01);
  });

  it('probes above the limit only after probeAfterMs without a 429, and only while it holds callers back', () => {
    const rate = new RateControl({ initialRate: 500, probeAfterMs: 5_000, probeFractionPerSecond: 0.02 });
    rate.throttled(0, 500);
    succeed(rate, 100, 4_999);
    const settled = rate.ratePerSecond;
    expect(settled).toBeLessThan(490);
    succeed(rate, 100, 5_000, false);
    // Only the recovery's last thousandths: no probe without callers held back.
    expect(rate.ratePerSecond).toBeCloseTo(settled, 3);
    // A second of calls at about 490/s adds 2% of the limit: about 10 requests per second.
    succeed(rate, 490, 5_000);
    expect(rate.ratePerSecond).toBeGreaterThan(settled + 9.5);
    expect(rate.ratePerSecond).toBeLessThan(settled + 10.5);
  });

  it('takes one decrease per overshoot: 429s within the interval of a decrease change nothing', () => {
    const rate = new RateControl({ initialRate: 100, decreaseFactor: 0.5, decreaseIntervalInMs: 1_000 });
    expect(rate.throttled(5_000, 100).decreased).toBe(true);
    for (const at of [5_000, 5_200, 5_999]) expect(rate.throttled(at, 100).decreased).toBe(false);
    expect(rate.ratePerSecond).toBe(50);
    rate.succeeded(5_500, false);
    expect(rate.throttled(6_000, 100).decreased).toBe(true);
  });

  it('holds every call for the Retry-After when nothing was answered for a whole interval after a decrease', () => {
    const rate = new RateControl({ initialRate: 100, decreaseIntervalInMs: 1_000 });
    expect(rate.throttled(0, 100).holdAll).toBe(false);
    // The vendor refuses everything: no answer in the second after the decrease.
    expect(rate.throttled(1_000, 100).holdAll).toBe(true);
    // Calls answered after that decrease: a rate overshot, not a quota used up.
    rate.succeeded(1_500, false);
    expect(rate.throttled(2_000, 100).holdAll).toBe(false);
  });

  it('does not go below the floor', () => {
    const rate = new RateControl({ initialRate: 4, floor: 2, decreaseFactor: 0.5, decreaseIntervalInMs: 0 });
    rate.throttled(0, 4);
    expect(rate.ratePerSecond).toBe(2);
    expect(rate.throttled(1, 2).decreased).toBe(false);
    expect(rate.ratePerSecond).toBe(2);
  });

  it('refuses options out of range', () => {
    expect(() => new RateControl({ decreaseFactor: 1 })).toThrow();
    expect(() => new RateControl({ ceiling: 0 })).toThrow();
    expect(() => new RateControl({ initialRate: -1 })).toThrow();
    expect(() => new RateControl({ recoveryHalfLifeInMs: 0 })).toThrow();
  });
});
