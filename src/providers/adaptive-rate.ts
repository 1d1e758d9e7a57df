// What a vendor allows, learned from its answers instead of tuned by hand: one limiter per vendor endpoint,
// shared by every call this process makes to it (every cascade provider and the AI reviewer behind the
// same origin, from every activity in the host). Its rate follows AimdRate: up while calls succeed and
// the rate is what holds them back, down on a 429; a 429's Retry-After holds every new call until it
// has passed (RFC 9110 §10.2.3: how long the client ought to wait before a follow-up request).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AimdRate, type AimdOptions } from './aimd.ts';
import { TokenBucket, type TokenBucketOptions } from './rate-limit.ts';

/** What a provider call goes through: a token before each attempt, and the attempt's outcome after it. */
export interface RateGate {
  /** Resolves when the call may go; rejects with the signal's reason if aborted while waiting. */
  take(signal?: AbortSignal): Promise<void>;
  /** The call was answered (any answer but a 429). */
  succeeded(): void;
  /** The call was refused with a 429; `retryAfterMs` is its Retry-After, in milliseconds. */
  throttled(retryAfterMs?: number): void;
}

/** A bucket at `ratePerSecond` that lets a tenth of a second's calls go at once (at least one). */
export function bucketAt(ratePerSecond: number): TokenBucketOptions {
  return { ratePerSecond, burst: Math.max(1, Math.ceil(ratePerSecond / 10)) };
}

/** The adaptive limiter of one vendor endpoint (see the file comment). */
export class AdaptiveRateLimiter implements RateGate {
  private readonly rate: AimdRate;
  private readonly bucket: TokenBucket;
  /** performance.now() before which no call goes (the latest Retry-After). */
  private pausedUntil = 0;

  /** @throws ZodError for AIMD options out of their ranges. */
  constructor(options: AimdOptions = {}) {
    this.rate = new AimdRate(options);
    this.bucket = new TokenBucket(bucketAt(this.rate.ratePerSecond));
  }

  /** The rate now, in requests per second. */
  get ratePerSecond(): number {
    return this.rate.ratePerSecond;
  }

  async take(signal?: AbortSignal): Promise<void> {
    for (let wait = this.pausedUntil - performance.now(); wait > 0; wait = this.pausedUntil - performance.now()) {
      try {
        await sleep(wait, undefined, { signal, ref: false });
      } catch (error) {
        throw signal?.aborted ? (signal.reason as Error) : error;
      }
    }
    await this.bucket.take(signal);
  }

  succeeded(): void {
    // Calls that never waited for a token say nothing about the vendor's limit: the callers were the limit.
    if (this.bucket.takeContended() && this.rate.succeeded()) this.bucket.setRate(bucketAt(this.rate.ratePerSecond));
  }

  throttled(retryAfterMs?: number): void {
    const now = performance.now();
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    if (this.rate.throttled(now)) this.bucket.setRate(bucketAt(this.rate.ratePerSecond));
  }
}

/**
 * A provider's own configured limit in front of its vendor's shared limiter: calls go at most at
 * `ceilingPerSecond` to this provider, and within what the vendor allows to everybody.
 */
export function cappedGate(shared: RateGate, ceilingPerSecond: number | undefined): RateGate {
  if (ceilingPerSecond === undefined) return shared;
  const ceiling = new TokenBucket(bucketAt(ceilingPerSecond));
  return {
    async take(signal) {
      await ceiling.take(signal);
      await shared.take(signal);
    },
    succeeded: () => shared.succeeded(),
    throttled: (retryAfterMs) => shared.throttled(retryAfterMs),
  };
}
