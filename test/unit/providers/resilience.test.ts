import { ConstantBackoff } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/providers/errors.ts';
import { AdaptiveRateLimiter } from '../../../src/providers/adaptive-rate.ts';
import {
  createProviderPolicy,
  providerPolicyOptionsSchema,
  withProviderPolicy,
} from '../../../src/providers/resilience.ts';
import { RetryAfterBackoff } from '../../../src/providers/retry-after-backoff.ts';

const context = (error: unknown, attempt = 1) => ({ attempt, signal: new AbortController().signal, result: { error } });

describe('RetryAfterBackoff', () => {
  it('waits at least Retry-After, and the inner delay otherwise', () => {
    const backoff = new RetryAfterBackoff(new ConstantBackoff(10));
    const limited = new ProviderError({ provider: 'p', kind: 'rate_limited', message: '429', retryAfterMs: 1_500 });
    const first = backoff.next(context(limited));
    expect(first.duration).toBe(1_500);
    expect(
      first.next(context(new ProviderError({ provider: 'p', kind: 'unavailable', message: '503' }), 2)).duration,
    ).toBe(10);
  });
});

describe('provider policy', () => {
  it('has the documented defaults', () => {
    expect(providerPolicyOptionsSchema.parse({})).toEqual({
      maxRetries: 4,
      initialDelayInMs: 200,
      maxDelayInMs: 10_000,
    });
  });

  it('retries retryable errors and takes a token before each attempt', async () => {
    const policy = createProviderPolicy({ maxRetries: 3, initialDelayInMs: 1 });
    const bucket = new AdaptiveRateLimiter({ initialRate: 1_000 });
    let attempts = 0;
    const result = await withProviderPolicy(policy, bucket, async () => {
      attempts++;
      if (attempts < 3) throw new ProviderError({ provider: 'p', kind: 'timeout', message: 'slow' });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(attempts).toBe(3);
  });

  it('tells the caller of each timeout, and stops retrying when the caller cannot pay for another attempt', async () => {
    const policy = createProviderPolicy({ maxRetries: 5, initialDelayInMs: 1 });
    const bucket = new AdaptiveRateLimiter({ initialRate: 1_000 });
    let attempts = 0;
    let timeouts = 0;
    const call = withProviderPolicy(
      policy,
      bucket,
      () => {
        attempts++;
        return Promise.reject(new ProviderError({ provider: 'p', kind: 'timeout', message: 'slow' }));
      },
      { onTimedOut: () => ++timeouts < 2 },
    );
    await expect(call).rejects.toMatchObject({ kind: 'timeout', final: true, retryable: true });
    expect([attempts, timeouts]).toEqual([2, 2]);
  });

  it('does not retry non-retryable errors, nor a Retry-After beyond maxDelayInMs', async () => {
    const policy = createProviderPolicy({ maxRetries: 3, initialDelayInMs: 1, maxDelayInMs: 100 });
    const bucket = new AdaptiveRateLimiter({ initialRate: 1_000 });
    for (const error of [
      new ProviderError({ provider: 'p', kind: 'no_value', message: '404' }),
      new ProviderError({ provider: 'p', kind: 'rate_limited', message: '429', retryAfterMs: 60_000 }),
    ]) {
      let attempts = 0;
      await expect(
        withProviderPolicy(policy, bucket, () => {
          attempts++;
          return Promise.reject(error);
        }),
      ).rejects.toBe(error);
      expect(attempts).toBe(1);
    }
  });
});
