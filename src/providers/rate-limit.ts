// Client-side rate limiting: a token bucket, so a job with thousands of properties stays under what a
// vendor allows instead of collecting 429s. Callers share one instance per vendor endpoint (every call to
// it takes from the same bucket); AdaptiveRateLimiter (adaptive-rate.ts) moves its rate.
import { systemClock, type Clock } from './clock.ts';

export interface TokenBucketOptions {
  /** Tokens added per second: the sustained request rate. */
  ratePerSecond: number;
  /**
   * Most tokens the bucket holds: how many calls may go at once after a quiet spell. Defaults to 1,
   * which spaces calls evenly and so never exceeds ratePerSecond in any one-second window.
   */
  burst?: number;
}

/**
 * Seconds of calls a bucket lets go at once beyond one: a timer that fires up to that late loses no token
 * (at 500/s, 20 ms is 10 calls), and the calls of any one second stay within 2% above the rate.
 */
const BURST_SECONDS = 0.02;

const burstAt = (ratePerSecond: number): number => 1 + Math.floor(ratePerSecond * BURST_SECONDS);

/** A bucket at `ratePerSecond` that lets one call and 20 ms of calls more go at once. */
export function bucketAt(ratePerSecond: number): TokenBucketOptions {
  return { ratePerSecond, burst: burstAt(ratePerSecond) };
}

/**
 * The rate (requests per second) at which a bucketAt bucket never sends more than `limit` calls in any
 * one-second window, as a vendor counts them: a full bucket's burst, then a token each 1 / rate seconds,
 * make at most rate + burst - 1 calls in a second (for a whole rate). 490 for a limit of 500.
 */
export function paceWithin(limit: number): number {
  return limit + 1 - burstAt(limit);
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
  /** Cancels the pending timer, if any. */
  private cancelTimer: (() => void) | undefined;
  /** Clock time the pending timer is set for. */
  private dueAt = 0;
  private readonly clock: Clock;

  /** @throws RangeError for a rate that is not positive and finite, or a burst below 1. */
  constructor({ ratePerSecond, burst = 1 }: TokenBucketOptions, clock: Clock = systemClock) {
    checkRate(ratePerSecond, burst);
    this.clock = clock;
    this.rate = ratePerSecond;
    this.capacity = burst;
    this.tokens = burst;
    this.refilledAt = clock.now();
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
    // The head waiter's token comes sooner or later at the new rate. A timer set for no later than that
    // stays (when it fires early, serve sets the next): an adaptive rate changes with every answer, and
    // setting a new timer each time would cost more than the calls.
    if (this.cancelTimer !== undefined && this.dueAt <= this.clock.now() + this.delayInMs() + 1) return;
    this.stopTimer();
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
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
  }

  /** One timer at a time, set for when the head waiter's token will be there: no polling. */
  private schedule(): void {
    if (this.cancelTimer !== undefined || this.waiters.length === 0) return;
    const delayInMs = this.delayInMs();
    this.dueAt = this.clock.now() + delayInMs;
    this.cancelTimer = this.clock.after(delayInMs, () => {
      this.cancelTimer = undefined;
      this.serve();
    });
  }

  /** Milliseconds until the next token, at least 1 (refilled just before). */
  private delayInMs(): number {
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
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
    if (this.waiters.length === 0) this.stopTimer();
  }
}

function checkRate(ratePerSecond: number, burst: number): void {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
    throw new RangeError('ratePerSecond must be a positive number');
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError('burst must be at least 1');
}
