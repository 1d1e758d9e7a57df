// How every provider call is made: take a token from the vendor's rate gate, call, tell the gate how it
// went, and on a retryable failure (429, 5xx, network, timeout) try again after an exponential, jittered
// delay that also respects the provider's Retry-After.
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { IDefaultPolicyContext, IPolicy } from 'cockatiel';
import { z } from 'zod';
import { MAX_RATE_PER_SECOND } from './rate-control.ts';
import { ProviderError, type ProviderErrorKind } from './errors.ts';
import type { RateGate } from './adaptive-rate.ts';
import { RetryAfterBackoff } from './retry-after-backoff.ts';

const ANSWERED: ReadonlySet<ProviderErrorKind> = new Set(['no_value', 'rejected', 'bad_response']);

export const providerPolicyOptionsSchema = z.object({
  /**
   * Most calls per second to this provider (a ceiling over what its vendor's adaptive limiter allows).
   * Absent: the adaptive limiter alone finds what the vendor allows.
   */
  ratePerSecond: z.number().positive().max(MAX_RATE_PER_SECOND).optional(),
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
    error instanceof ProviderError &&
    error.retryable &&
    !error.final &&
    (error.retryAfterMs ?? 0) <= options.maxDelayInMs;
  return retry(handleWhen(worthRetrying), {
    maxAttempts: options.maxRetries,
    backoff: new RetryAfterBackoff(
      new ExponentialBackoff({ initialDelay: options.initialDelayInMs, maxDelay: options.maxDelayInMs }),
    ),
  });
}

/** What a caller of a paid provider call may pass: its signal, and a hook for attempts that timed out. */
export interface ProviderCall {
  signal?: AbortSignal | undefined;
  /**
   * Called once for each attempt that timed out. The request reached the vendor, who may have answered and
   * billed after we stopped waiting: the caller counts it as a call that may have been billed. Answering
   * false says the caller cannot pay for another attempt: the call then fails with the timeout, not retried.
   */
  onTimedOut?: (() => boolean | void) | undefined;
}

/**
 * Runs `fn` under `policy`, taking a token from `gate` before each attempt (retries count against the
 * rate too) and telling it whether the attempt was refused with a 429. `fn` gets the caller's signal, to
 * pass on to the request.
 */
export function withProviderPolicy<T>(
  policy: ProviderPolicy,
  gate: RateGate,
  fn: (signal: AbortSignal) => Promise<T>,
  call: ProviderCall = {},
): Promise<T> {
  return policy.execute(async (context) => {
    await gate.take(context.signal);
    try {
      const answer = await fn(context.signal);
      gate.succeeded();
      return answer;
    } catch (error) {
      if (error instanceof ProviderError) {
        // A 404 or a refused request is an answer like any other; a 503 or a timeout says nothing either way.
        if (error.kind === 'rate_limited') gate.throttled(error.retryAfterMs);
        else if (ANSWERED.has(error.kind)) gate.succeeded();
        else if (error.kind === 'timeout' && call.onTimedOut?.() === false)
          throw new ProviderError({
            provider: error.provider,
            kind: 'timeout',
            message: `${error.message}; not tried again: another paid attempt would pass the reservation`,
            final: true,
            cause: error,
          });
      }
      throw error;
    }
  }, call.signal);
}
