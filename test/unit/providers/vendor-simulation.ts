// A vendor and a job's callers in simulated time, to see what the adaptive limiter makes of a vendor's limit
// without a wall clock: a fake clock (@sinonjs/fake-timers) drives the limiter's timers, the sandbox's own
// sliding one-second window (sandbox/sliding-window.ts) admits or refuses each call on arrival, an admitted
// call is answered after `latencyInMs`, a refused one at once with the window's Retry-After, which the
// refused call waits out before trying again, as the provider policy does. Network delays and the lateness of
// the limiter's timers (an event loop busy with other work) are drawn from a seeded PRNG: a run repeats exactly.
import { createClock } from '@sinonjs/fake-timers';

type FakeClock = ReturnType<typeof createClock>;
import type { Clock } from '../../../src/providers/clock.ts';
import type { RateGate } from '../../../src/providers/adaptive-rate.ts';
import { mulberry32 } from '../../../sandbox/prng.ts';
import { SlidingWindowLimiter, type Admission } from '../../../sandbox/sliding-window.ts';

/** How a vendor decides on a call arriving at `now` ms (the sandbox's SlidingWindowLimiter is one). */
export type Vendor = { admit(now: number): Admission };

export interface SimulatedJob {
  /** The vendor's limit: admitted calls in any one-second window; what utilisation is a share of. */
  vendorLimit: number;
  /** How the vendor counts; by default the sandbox's sliding one-second window at vendorLimit. */
  vendor?: Vendor;
  /** Calls to be answered in all. */
  calls: number;
  /** Callers making calls one after another (the job's properties in flight). */
  callers: number;
  latencyInMs: number;
  /** Largest one-way network delay, ms (uniform from 0). */
  networkJitterInMs: number;
  /** Largest lateness of a limiter timer, ms (uniform from 0). */
  timerLatenessInMs: number;
  seed?: number;
}

export interface SimulatedRun {
  /** From the first admitted call to the last answer, ms of simulated time. */
  elapsedInMs: number;
  answered: number;
  refused: number;
  /** Answered calls per second over the run, as a share of the vendor's limit. */
  utilisation: number;
}

/**
 * A fake clock, and a Clock on it whose timers fire late as on a busy event loop: the loop
 * gets to its timers at moments apart by up to `latenessInMs` (uniform), and a timer fires at the first of
 * them at or after its time.
 */
export function simulatedClock(latenessInMs = 0, seed = 1): { fake: FakeClock; clock: Clock } {
  const fake = createClock(0);
  const random = mulberry32(seed);
  /** The loop's turns so far, in order; more are drawn as timers need them. */
  const turns = [0];
  const turnAtOrAfter = (at: number): number => {
    while (turns.at(-1)! < at) turns.push(turns.at(-1)! + random() * latenessInMs);
    let low = 0;
    for (let high = turns.length - 1; low < high;) {
      const middle = (low + high) >> 1;
      if (turns[middle]! < at) low = middle + 1;
      else high = middle;
    }
    return turns[low]!;
  };
  const clock: Clock = {
    now: () => fake.now,
    after(ms, fn) {
      const timer = fake.setTimeout(fn, latenessInMs > 0 ? turnAtOrAfter(fake.now + ms) - fake.now : ms);
      return () => fake.clearTimeout(timer);
    },
  };
  return { fake, clock };
}

/**
 * For each gate, `callers` callers that each take from it, are answered `latencyInMs` later, and go again, for
 * `forMs` of fake time from now; returns the time of every take, by gate. The callers then stop where they
 * are (the fake clock is not advanced further).
 */
export async function drive(
  gates: readonly RateGate[],
  fake: FakeClock,
  { callers = 100, latencyInMs = 100, forMs = 5_000 } = {},
): Promise<number[][]> {
  const until = fake.now + forMs;
  const takes = gates.map((gate) => {
    const times: number[] = [];
    for (let i = 0; i < callers; i++)
      void (async () => {
        while (fake.now < until) {
          await gate.take();
          times.push(fake.now);
          await new Promise<void>((resolve) => fake.setTimeout(() => resolve(), latencyInMs));
          gate.succeeded();
        }
      })();
    return times;
  });
  await fake.tickAsync(forMs);
  return takes;
}

/** The most times within any half-open window of one second, (t - 1000, t], as a vendor counts them. */
export function busiestSecond(times: readonly number[]): number {
  let most = 0;
  for (let end = 0, start = 0; end < times.length; end++) {
    while (times[start]! <= times[end]! - 1_000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * Runs `job` against the gate `gateOn` builds on the simulated clock, and returns what the vendor saw.
 * @throws Error if the job does not finish within ten times its ideal time (a limiter stuck far below the limit).
 */
export async function simulate(job: SimulatedJob, gateOn: (clock: Clock) => RateGate): Promise<SimulatedRun> {
  const { fake, clock } = simulatedClock(job.timerLatenessInMs, job.seed ?? 1);
  const gate = gateOn(clock);
  const random = mulberry32((job.seed ?? 1) + 1);
  const vendor = job.vendor ?? new SlidingWindowLimiter(job.vendorLimit);
  // Answers and network hops wake the caller on the same late loop as the limiter's timers: several answers
  // then come in one turn, as on a busy host.
  const wait = (ms: number) => new Promise<void>((resolve) => clock.after(ms, resolve));
  const network = () => wait(random() * job.networkJitterInMs);
  let started = Number.POSITIVE_INFINITY;
  let answered = 0;
  let refused = 0;
  let toStart = job.calls;

  async function call(): Promise<void> {
    for (;;) {
      await gate.take();
      await network();
      const admission = vendor.admit(fake.now);
      if (admission.admitted) {
        started = Math.min(started, fake.now);
        await wait(job.latencyInMs);
        await network();
        gate.succeeded();
        answered++;
        return;
      }
      refused++;
      await network();
      gate.throttled(admission.retryAfterSeconds * 1000);
      await wait(admission.retryAfterSeconds * 1000);
    }
  }
  const callers = Array.from({ length: job.callers }, async () => {
    while (toStart > 0) {
      toStart--;
      await call();
    }
  });
  let done = false;
  const all = Promise.all(callers).then(() => (done = true));
  const deadline = (job.calls / job.vendorLimit) * 10_000;
  while (!done && fake.now < deadline) await fake.tickAsync(10);
  if (!done) throw new Error(`the simulated job did not finish in ${deadline} ms: ${answered} answered`);
  await all;
  const elapsedInMs = fake.now - started;
  return { elapsedInMs, answered, refused, utilisation: answered / (elapsedInMs / 1000) / job.vendorLimit };
}
