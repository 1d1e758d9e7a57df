// Time as the rate limiter sees it, passed in rather than read from globals, so that its behaviour can be
// driven step by step: the tests advance a fake clock and watch what the limiter lets through, with no
// wall-clock timing in them.
import { performance } from 'node:perf_hooks';

/** A monotonic clock and a one-shot timer on it. */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never goes back. */
  now(): number;
  /** Runs `fn` once, `ms` milliseconds from now, without keeping the process alive; the result cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The process's own clock (performance.now) and timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    // A pending rate-limit wait alone should not keep the process alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/**
 * Resolves `ms` milliseconds from now on `clock`; rejects with the signal's reason if it is aborted first
 * (at once if it already is).
 */
export function delay(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cancel();
      reject(signal?.reason as Error);
    };
    const cancel = clock.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
