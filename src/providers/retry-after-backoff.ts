// Cockatiel's backoffs know nothing of Retry-After. This one wraps any backoff and, when the failed
// attempt's error carries retryAfterMs (a ProviderError from a vendor, the CLI's ApiError from our own API),
// waits at least that long: retrying a 429 or 503 sooner than the server asked only earns another.
import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';

type Context = IRetryBackoffContext<unknown>;

/** An error that says how long to wait before trying again: a Retry-After, in milliseconds. */
export interface RetryAfterError extends Error {
  retryAfterMs?: number | undefined;
}

function retryAfterOf(context: Context): number {
  if (!('error' in context.result)) return 0;
  const { retryAfterMs } = context.result.error as RetryAfterError;
  return typeof retryAfterMs === 'number' ? retryAfterMs : 0;
}

function step(inner: IBackoff<Context>, context: Context): IBackoff<Context> {
  return {
    duration: Math.max(inner.duration, retryAfterOf(context)),
    // The jittered schedule keeps advancing underneath, whatever Retry-After said this time.
    next: (nextContext) => step(inner.next(nextContext), nextContext),
  };
}

export class RetryAfterBackoff implements IBackoffFactory<Context> {
  private readonly inner: IBackoffFactory<Context>;

  constructor(inner: IBackoffFactory<Context>) {
    this.inner = inner;
  }

  next(context: Context): IBackoff<Context> {
    return step(this.inner.next(context), context);
  }
}
