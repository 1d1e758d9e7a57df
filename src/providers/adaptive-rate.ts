// What a vendor allows, learned from its answers instead of tuned by hand: one limiter per vendor endpoint,
// shared by every call this process makes to it (every cascade provider and the AI reviewer behind the
// same origin, from every activity in the host). Its rate follows RateControl (rate-control.ts): up while
// calls succeed and the rate is what holds them back, down on a 429 to just under what the vendor was
// found to admit, and quickly back. A 429's Retry-After holds the refused call (its retry waits for it,
// resilience.ts), and every new call too when the vendor refuses everything (RFC 9110 §10.2.3: how long the
// client ought to wait before a follow-up request).
import { delay, systemClock, type Clock } from './clock.ts';
import { MARGIN, RateControl, type RateControlOptions } from './rate-control.ts';
import { bucketAt, TokenBucket } from './rate-limit.ts';

/** What a provider call goes through: a token before each attempt, and the attempt's outcome after it. */
export interface RateGate {
  /** Resolves when the call may go; rejects with the signal's reason if aborted while waiting. */
  take(signal?: AbortSignal): Promise<void>;
  /** The call was answered (any answer but a 429). */
  succeeded(): void;
  /** The call was refused with a 429; `retryAfterMs` is its Retry-After, in milliseconds. */
  throttled(retryAfterMs?: number): void;
}

/** The adaptive limiter of one vendor endpoint (see the file comment). */
export class AdaptiveRateLimiter implements RateGate {
  private readonly control: RateControl;
  private readonly bucket: TokenBucket;
  private readonly clock: Clock;
  /** Clock time before which no call goes (the Retry-After of a vendor that refused everything). */
  private pausedUntil = Number.NEGATIVE_INFINITY;

  /**
   * `options.ceiling` is a configured limit in requests per second: no one-second window ever holds more
   * calls than that. @throws ZodError for options out of their ranges.
   */
  constructor(options: RateControlOptions = {}, clock: Clock = systemClock) {
    this.clock = clock;
    this.control = new RateControl(options);
    this.bucket = new TokenBucket(bucketAt(this.control.ratePerSecond), clock);
  }

  /** The rate now, in requests per second. */
  get ratePerSecond(): number {
    return this.control.ratePerSecond;
  }

  async take(signal?: AbortSignal): Promise<void> {
    for (let wait = this.pausedUntil - this.clock.now(); wait > 0; wait = this.pausedUntil - this.clock.now())
      await delay(this.clock, wait, signal);
    await this.bucket.take(signal);
  }

  succeeded(): void {
    // Calls that never waited for a token say nothing about the vendor's limit: the callers were the limit.
    if (this.control.succeeded(this.clock.now(), this.bucket.takeContended()))
      this.bucket.setRate(bucketAt(this.control.ratePerSecond));
  }

  throttled(retryAfterMs?: number): void {
    const now = this.clock.now();
    const { decreased, holdAll } = this.control.throttled(now, this.bucket.sentLastSecond());
    if (holdAll && retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    if (decreased) this.bucket.setRate(bucketAt(this.control.ratePerSecond));
  }
}

/**
 * A bucket that holds calls under `ceilingPerSecond` (requests per second) in any one-second window, with
 * the limiter's margin, for cappedGate.
 */
export function ceilingBucket(ceilingPerSecond: number, clock: Clock = systemClock): TokenBucket {
  return new TokenBucket(bucketAt(ceilingPerSecond * (1 - MARGIN)), clock);
}

/**
 * A kind of call's own configured limit (`own`, a ceilingBucket its providers share) in front of its
 * vendor's shared limiter: calls go within both. Without one, the shared limiter alone.
 */
export function cappedGate(shared: RateGate, own: TokenBucket | undefined): RateGate {
  if (own === undefined) return shared;
  return {
    async take(signal) {
      await own.take(signal);
      await shared.take(signal);
    },
    succeeded: () => shared.succeeded(),
    throttled: (retryAfterMs) => shared.throttled(retryAfterMs),
  };
}
