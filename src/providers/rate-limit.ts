// Client-side rate limiting: a token bucket, so a job with thousands of properties stays under what a
// vendor allows instead of collecting 429s, with a cap per sliding second besides: the bucket's burst lets
// calls catch up after a pause, the cap keeps that catching up within the second a vendor counts. Callers
// share one instance per vendor endpoint (every call to it takes from the same bucket);
// AdaptiveRateLimiter (adaptive-rate.ts) moves its rate.
import { systemClock, type Clock } from './clock.ts';
import { SendLog } from './send-log.ts';

export interface TokenBucketOptions {
  /** Tokens added per second: the sustained request rate. */
  ratePerSecond: number;
  /** Most tokens the bucket holds: how many calls may go at once after a pause. Defaults to 1. */
  burst?: number;
  /**
   * Most takes in any one-second window (t - 1000 ms, t], as a vendor counts them. Absent: as many as the
   * rate and the burst let go (up to rate + burst - 1).
   */
  perSecond?: number;
}

/** Seconds of calls a bucketAt bucket lets go at once after a pause (a timer that fired late, a stall). */
const BURST_SECONDS = 0.1;

/**
 * A bucket at `ratePerSecond` that lets a tenth of a second's calls (at least two) go at once after a pause,
 * so that an event loop held up to 100 ms costs no rate, and never more than the rate (rounded down, at least
 * 1) in any one second, so that catching up never overshoots a vendor's window.
 */
export function bucketAt(ratePerSecond: number): TokenBucketOptions {
  return {
    ratePerSecond,
    burst: Math.max(2, Math.ceil(ratePerSecond * BURST_SECONDS)),
    perSecond: Math.max(1, Math.floor(ratePerSecond)),
  };
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
  private perSecond: number;
  private tokens: number;
  /** Every take of the last second. */
  private readonly sent = new SendLog();
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

  /** @throws RangeError for a rate that is not positive and finite, a burst or perSecond below 1. */
  constructor({ ratePerSecond, burst = 1, perSecond = Infinity }: TokenBucketOptions, clock: Clock = systemClock) {
    checkRate(ratePerSecond, burst, perSecond);
    this.clock = clock;
    this.rate = ratePerSecond;
    this.capacity = burst;
    this.perSecond = perSecond;
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

  /** Takes in the last second, (now - 1000 ms, now]. */
  sentLastSecond(): number {
    return this.sent.count(this.clock.now());
  }

  /**
   * Changes the rate, the burst and the cap per second from now on: tokens accrued so far were earned at the
   * old rate. @throws RangeError for a rate that is not positive and finite, a burst or perSecond below 1.
   */
  setRate({ ratePerSecond, burst = 1, perSecond = Infinity }: TokenBucketOptions): void {
    checkRate(ratePerSecond, burst, perSecond);
    this.refill();
    this.rate = ratePerSecond;
    this.capacity = burst;
    this.perSecond = perSecond;
    this.tokens = Math.min(this.tokens, burst);
    // The head waiter's token comes sooner or later at the new rate. A timer set for no later than that
    // stays (when it fires early, serve sets the next): an adaptive rate changes with every answer, and
    // setting a new timer each time would cost more than the calls.
    if (this.cancelTimer !== undefined && this.dueAt <= this.clock.now() + this.delayInMs() + 1) return;
    this.stopTimer();
    this.schedule();
  }

  /**
   * Whether a caller is waiting for a token, or waited since the previous call of this method: the rate, not
   * the callers, was what held calls back. Reading it resets the second part. (Answers come in bunches, several
   * in one turn of the event loop with no take between them: each of them still saw callers held back.)
   */
  takeContended(): boolean {
    const contended = this.contended || this.waiters.length > 0;
    this.contended = false;
    return contended;
  }

  /** Resolves once a token is taken; rejects with the signal's reason if aborted while waiting. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    this.refill();
    // Only jump the queue when nobody is waiting, or a newcomer could starve earlier callers.
    if (this.waiters.length === 0 && this.mayGo()) {
      this.grant();
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

  /** Whether a call may go now (refilled just before): a token, and room in the last second. */
  private mayGo(): boolean {
    return this.tokens >= 1 && this.sent.count(this.clock.now()) < this.perSecond;
  }

  private grant(): void {
    this.tokens -= 1;
    this.sent.record(this.clock.now());
  }

  /** Milliseconds until a call may go, at least 1 (refilled just before): a token, and room in the second. */
  private delayInMs(): number {
    const untilToken = ((1 - this.tokens) / this.rate) * 1000;
    const untilRoom = this.sent.waitBelow(this.perSecond, this.clock.now());
    return Math.max(1, Math.ceil(Math.max(untilToken, untilRoom)));
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private serve(): void {
    this.refill();
    while (this.waiters.length > 0 && this.mayGo()) {
      const waiter = this.waiters.shift() as Waiter;
      this.grant();
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

function checkRate(ratePerSecond: number, burst: number, perSecond: number): void {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
    throw new RangeError('ratePerSecond must be a positive number');
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError('burst must be at least 1');
  if (!(perSecond >= 1)) throw new RangeError('perSecond must be at least 1');
}
