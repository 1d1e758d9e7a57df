// Client-side rate limiting: a token bucket, so a job with thousands of properties stays under what a
// vendor allows instead of collecting 429s. Callers share one instance per vendor endpoint (every call to
// it takes from the same bucket); AdaptiveRateLimiter (adaptive-rate.ts) moves its rate.
import { performance } from 'node:perf_hooks';

export interface TokenBucketOptions {
  /** Tokens added per second: the sustained request rate. */
  ratePerSecond: number;
  /**
   * Most tokens the bucket holds: how many calls may go at once after a quiet spell. Defaults to 1,
   * which spaces calls evenly and so never exceeds ratePerSecond in any one-second window.
   */
  burst?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class TokenBucket {
  private rate: number;
  private capacity: number;
  private tokens: number;
  /** Whether a caller has had to wait for a token since the last look (see takeContended). */
  private contended = false;
  private refilledAt: number;
  /** Callers waiting for a token, served strictly in arrival order. */
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor({ ratePerSecond, burst = 1 }: TokenBucketOptions) {
    checkRate(ratePerSecond, burst);
    this.rate = ratePerSecond;
    this.capacity = burst;
    this.tokens = burst;
    this.refilledAt = performance.now();
  }

  /** Tokens added per second now. */
  get ratePerSecond(): number {
    return this.rate;
  }

  /** Most tokens the bucket holds now. */
  get burst(): number {
    return this.capacity;
  }

  /**
   * Changes the rate (and the burst) from now on: tokens accrued so far were earned at the old rate.
   * @throws RangeError for a rate that is not positive and finite, or a burst below 1.
   */
  setRate({ ratePerSecond, burst = 1 }: TokenBucketOptions): void {
    checkRate(ratePerSecond, burst);
    this.refill();
    this.rate = ratePerSecond;
    this.capacity = burst;
    this.tokens = Math.min(this.tokens, burst);
    // The head waiter's token comes sooner or later at the new rate.
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.schedule();
  }

  /**
   * Whether a caller waited for a token since the previous call of this method: the rate, not the
   * callers, was what held calls back. Reading it resets it.
   */
  takeContended(): boolean {
    const contended = this.contended;
    this.contended = false;
    return contended;
  }

  /** Resolves once a token is taken; rejects with the signal's reason if aborted while waiting. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    this.refill();
    // Only jump the queue when nobody is waiting, or a newcomer could starve earlier callers.
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    this.contended = true;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.abandon(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
  }

  /** One timer at a time, set for when the head waiter's token will be there: no polling. */
  private schedule(): void {
    if (this.timer !== undefined || this.waiters.length === 0) return;
    const delayInMs = Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.serve();
    }, delayInMs);
    // A pending rate-limit wait alone should not keep the process alive.
    this.timer.unref();
  }

  private serve(): void {
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1) {
      const waiter = this.waiters.shift() as Waiter;
      this.tokens -= 1;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    this.schedule();
  }

  private abandon(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return;
    this.waiters.splice(index, 1);
    waiter.reject(waiter.signal?.reason);
    if (this.waiters.length === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

function checkRate(ratePerSecond: number, burst: number): void {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
    throw new RangeError('ratePerSecond must be a positive number');
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError('burst must be at least 1');
}
