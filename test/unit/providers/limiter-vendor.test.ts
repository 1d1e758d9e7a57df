// The adaptive limiter against a vendor that counts a sliding one-second window (the sandbox's), in simulated
// time: the provider-bound benchmark's job (13,089 calls, 500 requests/s, 100 ms answers, up to 256 calls in
// flight) with network jitter and an event loop that gets to its timers late. Deterministic: a fake clock and
// seeded draws.
import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter } from '../../../src/providers/adaptive-rate.ts';
import { simulate, type SimulatedJob } from './vendor-simulation.ts';

/** A quiet host: loop turns up to 5 ms apart, network hops up to 2 ms. */
const benchmarkJob: SimulatedJob = {
  vendorLimit: 500,
  calls: 13_089,
  callers: 256,
  latencyInMs: 100,
  networkJitterInMs: 2,
  timerLatenessInMs: 5,
};
/** A busy host: loop turns up to 20 ms apart (answers then come in bunches), network hops up to 5 ms. */
const busyHost: SimulatedJob = { ...benchmarkJob, networkJitterInMs: 5, timerLatenessInMs: 20 };

const configured = { ceiling: 500, initialRate: 500 };

describe('the adaptive limiter against a vendor window', () => {
  it('with the vendor’s limit configured sustains at least 95% of it, and is seldom refused', async () => {
    const run = await simulate(benchmarkJob, (clock) => new AdaptiveRateLimiter(configured, clock));
    expect(run.answered).toBe(13_089);
    expect(run.utilisation).toBeGreaterThanOrEqual(0.95);
    expect(run.refused).toBeLessThan(0.01 * run.answered);
  });

  it('with nothing configured finds the limit and sustains at least 90% of it', async () => {
    const run = await simulate(benchmarkJob, (clock) => new AdaptiveRateLimiter({}, clock));
    expect(run.answered).toBe(13_089);
    expect(run.utilisation).toBeGreaterThanOrEqual(0.9);
    // Refused calls are those of the slow start's overshoot and of a probe now and then, not a steady share.
    expect(run.refused).toBeLessThan(0.03 * run.answered);
  });

  it('keeps most of the limit on a busy host, where calls reach the vendor bunched', async () => {
    const withCeiling = await simulate(busyHost, (clock) => new AdaptiveRateLimiter(configured, clock));
    const found = await simulate(busyHost, (clock) => new AdaptiveRateLimiter({}, clock));
    expect(withCeiling.utilisation).toBeGreaterThanOrEqual(0.9);
    expect(found.utilisation).toBeGreaterThanOrEqual(0.85);
  });

  it('finds a small vendor’s limit too', async () => {
    const run = await simulate(
      { vendorLimit: 20, calls: 600, callers: 16, latencyInMs: 30, networkJitterInMs: 2, timerLatenessInMs: 5 },
      (clock) => new AdaptiveRateLimiter({}, clock),
    );
    expect(run.answered).toBe(600);
    expect(run.utilisation).toBeGreaterThanOrEqual(0.9);
  });
});
