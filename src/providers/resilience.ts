// How every provider call is made: take a rate-limit token, call, and on a retryable failure
// (429, 5xx, network, timeout) try again after an exponential, jittered delay that also respects
// the provider's Retry-After.
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { IDefaultPolicyContext, IPolicy } from 'cockatiel';
import { z } from 'zod';
import { ProviderError } from './errors.ts';
import type { TokenBucket } from './rate-limit.ts';
import { RetryAfterBackoff } from './retry-after-backoff.ts';

export const providerPolicyOptionsSchema = z.object({
  /** Client-side limit on calls per second to this provider (the token bucket's rate). */
  ratePerSecond: z.number().positive().max(100_000).default(50),
  /** Retries after the first attempt; 4 means at most 5 calls. */
  maxRetries: z.number().int().min(0).max(10).default(4),
  initialDelayInMs: z.number().int().min(1).default(200),
  /** Longest wait between attempts; a Retry-After above it is not waited for (the call fails). */
  maxDelayInMs: z.number().int().min(1).default(10_000),
});
export type ProviderPolicyInput = z.input<typeof providerPolicyOptionsSchema>;

export type ProviderPolicy = IPolicy<IDefaultPolicyContext>;

export function createProviderPolicy(input: ProviderPolicyInput = {}): ProviderPolicy {
  const options = providerPolicyOptionsSchema.parse(input);
  // A provider asking for a longer pause than we would ever wait: failing now beats stalling the job.
  const worthRetrying = (error: unknown): boolean =>
    error instanceof ProviderError && error.retryable && (error.retryAfterMs ?? 0) <= options.maxDelayInMs;
  return retry(handleWhen(worthRetrying), {
    maxAttempts: options.maxRetries,
    backoff: new RetryAfterBackoff(
      new ExponentialBackoff({ initialDelay: options.initialDelayInMs, maxDelay: options.maxDelayInMs }),
    ),
  });
}

/**
 * Runs `fn` under `policy`, taking a token from `bucket` before each attempt (retries count against
 * the rate too). `fn` gets the caller's signal, to pass on to the request.
 */
export function withProviderPolicy<T>(
  policy: ProviderPolicy,
  bucket: TokenBucket,
  fn: (signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  return policy.execute(async (context) => {
    await bucket.take(context.signal);
    return fn(context.signal);
  }, signal);
}
