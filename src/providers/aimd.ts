// The rate rule of the adaptive limiter, kept apart from timers so that it can be tested step by step:
// additive increase, multiplicative decrease (AIMD), with a slow start, as TCP congestion control
// does it (RFC 5681 §3.1: slow start doubles the window each round trip until the first loss; congestion
// avoidance then adds one segment per round trip; a loss multiplies the window by a factor below 1).
// Here the "window" is a request rate, a "round trip" is a second of calls, and a "loss" is a 429.
import { z } from 'zod';

/** Highest rate the limiter ever reaches, in requests per second, when no ceiling is configured. */
export const MAX_RATE_PER_SECOND = 100_000;

export const aimdOptionsSchema = z.object({
  /** The configured limit, in requests per second: never exceeded. Absent: the limiter finds the limit. */
  ceiling: z.number().positive().max(MAX_RATE_PER_SECOND).optional(),
  /** Rate of the first calls, in requests per second (capped by the ceiling). */
  initialRate: z.number().positive().default(20),
  /** Lowest rate a run of 429s can bring it down to, in requests per second. */
  floor: z.number().positive().default(1),
  /** Requests per second gained per second of calls without a 429, once the first 429 was seen. */
  increasePerSecond: z.number().positive().default(10),
  /** Factor applied to the rate on a 429 (0.8: 20% slower). */
  decreaseFactor: z.number().gt(0).lt(1).default(0.8),
  /**
   * 429s within this many milliseconds of a decrease answer the same overshoot (every call in flight
   * then sees one) and do not decrease it again.
   */
  decreaseIntervalInMs: z.number().int().min(0).default(1_000),
});
export type AimdOptions = z.input<typeof aimdOptionsSchema>;

/** The AIMD rate of one vendor endpoint, in requests per second. Times are milliseconds on any clock. */
export class AimdRate {
  private readonly options: z.infer<typeof aimdOptionsSchema>;
  private current: number;
  /** Below it, slow start (the rate doubles each second); above it, additive increase. */
  private threshold = Number.POSITIVE_INFINITY;
  private decreasedAt = Number.NEGATIVE_INFINITY;

  /** @throws ZodError for options out of their ranges. */
  constructor(options: AimdOptions = {}) {
    this.options = aimdOptionsSchema.parse(options);
    this.current = Math.min(this.options.initialRate, this.top);
  }

  /** The rate now, in requests per second. */
  get ratePerSecond(): number {
    return this.current;
  }

  private get top(): number {
    return this.options.ceiling ?? MAX_RATE_PER_SECOND;
  }

  /**
   * A call answered while the rate held callers back. In slow start the rate grows by 1 per such call
   * (so it doubles each second); past the threshold by increasePerSecond / rate per call (so it grows by
   * increasePerSecond each second). Returns whether the rate changed.
   */
  succeeded(): boolean {
    const before = this.current;
    const step = this.current < this.threshold ? 1 : this.options.increasePerSecond / this.current;
    this.current = Math.min(this.top, this.current + step);
    return this.current !== before;
  }

  /**
   * A 429 at `at` ms. The first one of an overshoot multiplies the rate by decreaseFactor (not below the
   * floor) and ends the slow start; later ones within decreaseIntervalInMs change nothing. Returns whether
   * the rate changed.
   */
  throttled(at: number): boolean {
    if (at - this.decreasedAt < this.options.decreaseIntervalInMs) return false;
    this.decreasedAt = at;
    const before = this.current;
    this.current = Math.max(this.options.floor, this.current * this.options.decreaseFactor);
    this.threshold = this.current;
    return this.current !== before;
  }
}
