// Cockatiel's backoffs know nothing of Retry-After. This one wraps any backoff and, when the failed
// attempt was a ProviderError carrying retryAfterMs, waits at least that long: retrying a 429 sooner
// than the provider asked only earns another 429.
import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { ProviderError } from './errors.ts';

type Context = IRetryBackoffContext<unknown>;

function retryAfterOf(context: Context): number {
  if (!('error' in context.result)) return 0;
  const { error } = context.result;
  return error instanceof ProviderError && error.retryAfterMs !== undefined ? error.retryAfterMs : 0;
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
