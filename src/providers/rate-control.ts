// The rate rule of the adaptive limiter, kept apart from timers and queues so that it can be driven step by
// step with the times given. It finds what a vendor allows the way TCP finds what a path carries, with a
// request rate for the congestion window, a second of calls for the round trip and a 429 for a loss:
// - Slow start (RFC 5681 §3.1): nothing known yet, each call answered while the rate held callers back adds
//   `slowStartGain` requests per second, so the rate grows e-fold every 1 / slowStartGain seconds.
// - On a 429 (one decrease per overshoot): the vendor's limit is taken to be what was sent in the last second
//   (a vendor that counts a window refuses once the window is full, so what went in the last second is what
//   it admits, however far a slow start overshot), within bounds on how far off the rate can be (see
//   throttled); the rate drops to decreaseFactor times that limit.
// - Recovery, as CUBIC does it (RFC 9438 §4.2: fast back towards the rate of the last loss, flat near it):
//   the rate closes half of its distance to `margin` below that limit every recoveryHalfLifeInMs, so a
//   decrease costs a fraction of a second instead of the climb of an additive increase. (The margin is for
//   the way to the vendor: calls sent evenly arrive a little bunched.)
// - Probing: after probeAfterMs without another 429, calls answered while the rate held callers back add
//   probeFractionPerSecond of the limit per second, in case the vendor now allows more.
// - Held: a 429 a whole decreaseIntervalInMs after a decrease with no call answered since says the vendor
//   refuses everything (a quota used up, not a rate overshot): the caller holds every new call until the
//   429's Retry-After. Otherwise Retry-After holds only the refused call, which its retry honours.
import { z } from 'zod';

/**
 * Share of a limit the rate stays below by default: calls sent evenly reach the vendor a little bunched, and
 * a vendor counts their arrivals.
 */
export const MARGIN = 0.02;

/** Highest rate the limiter ever reaches, in requests per second, when no ceiling is configured. */
export const MAX_RATE_PER_SECOND = 100_000;

export const rateControlOptionsSchema = z.object({
  /**
   * The most requests per second ever allowed (a vendor's published limit): the rate stays `margin` below it.
   * Absent: the limiter finds the limit.
   */
  ceiling: z.number().positive().max(MAX_RATE_PER_SECOND).optional(),
  /** Rate of the first calls, in requests per second (capped by the ceiling). */
  initialRate: z.number().positive().default(20),
  /** Lowest rate a run of 429s can bring it down to, in requests per second. */
  floor: z.number().positive().default(1),
  /** Requests per second gained per answered call in slow start (4: e-fold every quarter of a second). */
  slowStartGain: z.number().positive().default(4),
  /** Factor applied to the vendor's limit as measured at a 429 (0.9: 10% below it). */
  decreaseFactor: z.number().gt(0).lt(1).default(0.9),
  /** Share of a limit, measured or configured, the rate stays below (0.02: 98% of it). */
  margin: z.number().min(0).lt(1).default(MARGIN),
  /** Time in which the recovery closes half of the distance to its target, in milliseconds. */
  recoveryHalfLifeInMs: z.number().positive().default(250),
  /** Time after a decrease before probing above the recovery's target, in milliseconds. */
  probeAfterMs: z.number().min(0).default(5_000),
  /** Share of the measured limit added per second of answered calls while probing (0.02: 2% per second). */
  probeFractionPerSecond: z.number().positive().default(0.02),
  /**
   * 429s within this many milliseconds of a decrease answer the same overshoot (every call in flight and
   * the vendor's window still full then see one) and do not decrease it again.
   */
  decreaseIntervalInMs: z.number().int().min(0).default(1_000),
});
export type RateControlOptions = z.input<typeof rateControlOptionsSchema>;

/** What a 429 did: whether the rate went down, and whether every new call should wait for its Retry-After. */
export interface Throttled {
  decreased: boolean;
  holdAll: boolean;
}

/** The rate of one vendor endpoint, in requests per second (see the file comment). Times are ms on any clock. */
export class RateControl {
  private readonly options: z.infer<typeof rateControlOptionsSchema>;
  private current: number;
  /** The vendor's limit as measured at the last 429, in requests per second; undefined before the first. */
  private limit: number | undefined;
  /** The rate right after the last decrease, where the recovery starts. */
  private recoveredFrom = 0;
  private decreasedAt = Number.NEGATIVE_INFINITY;
  private answeredAt = Number.NEGATIVE_INFINITY;

  /** @throws ZodError for options out of their ranges. */
  constructor(options: RateControlOptions = {}) {
    this.options = rateControlOptionsSchema.parse(options);
    this.current = Math.min(this.options.initialRate, this.top);
  }

  /** The rate now, in requests per second. */
  get ratePerSecond(): number {
    return this.current;
  }

  /** The highest rate: `margin` below a configured ceiling, as below a measured limit. */
  private get top(): number {
    const { ceiling, margin } = this.options;
    return ceiling === undefined ? MAX_RATE_PER_SECOND : ceiling * (1 - margin);
  }

  /**
   * A call answered at `at` ms (any answer but a 429); `contended` says whether the rate was what held
   * callers back since the last answer (only then may the rate grow past what is known to be answered).
   * Returns whether the rate changed.
   */
  succeeded(at: number, contended: boolean): boolean {
    this.answeredAt = at;
    const before = this.current;
    const o = this.options;
    if (this.limit === undefined) {
      if (contended) this.current += o.slowStartGain;
    } else {
      const target = this.limit * (1 - o.margin);
      const since = at - this.decreasedAt;
      const recovered = target - (target - this.recoveredFrom) * 2 ** (-since / o.recoveryHalfLifeInMs);
      const probe = contended && since >= o.probeAfterMs ? (o.probeFractionPerSecond * this.limit) / this.current : 0;
      this.current = Math.max(this.current + probe, recovered);
    }
    this.current = Math.min(this.top, this.current);
    return this.current !== before;
  }

  /**
   * A 429 at `at` ms, when `sentLastSecond` calls had gone in the second before it. The first one of an
   * overshoot measures the vendor's limit and decreases the rate (not below the floor); later ones within
   * decreaseIntervalInMs change nothing.
   */
  throttled(at: number, sentLastSecond: number): Throttled {
    const o = this.options;
    if (at - this.decreasedAt < o.decreaseIntervalInMs) return { decreased: false, holdAll: false };
    const holdAll = this.answeredAt < this.decreasedAt;
    const before = this.current;
    // What went in the last second is the limit, within bounds that say how far off the rate can be. The first
    // 429 ends a slow start, whose rate grew by slowStartGain per answer in the second the vendor's window
    // filled: at most (1 + slowStartGain) times the limit. One soon after a decrease says the decrease was not
    // enough: down to half the rate. After a quiet spell a 429 near a rate that held is a small correction, or
    // calls that bunched on their way: no more than decreaseFactor of the rate. (A lower bound also keeps a
    // 429 met after idle callers sent little from taking that little for the limit.)
    const soon = at - this.decreasedAt < 2 * o.decreaseIntervalInMs;
    const lowest =
      this.limit === undefined
        ? this.current / (1 + o.slowStartGain)
        : soon
          ? this.current / 2
          : this.current * o.decreaseFactor;
    this.limit = Math.max(o.floor, Math.min(this.current, Math.max(sentLastSecond, lowest)));
    this.current = Math.max(o.floor, this.limit * o.decreaseFactor);
    this.recoveredFrom = this.current;
    this.decreasedAt = at;
    return { decreased: this.current !== before, holdAll };
  }
}
