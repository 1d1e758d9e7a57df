// The HTTP clients and the resilience policy against a real sandbox server on a free port.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/providers/errors.ts';
import { createHttpAvm } from '../../../src/providers/http-avm.ts';
import { createHttpFraudReview } from '../../../src/providers/http-fraud-review.ts';
import { AdaptiveRateLimiter } from '../../../src/providers/adaptive-rate.ts';
import { createProviderPolicy, withProviderPolicy } from '../../../src/providers/resilience.ts';
import { simulateAvmQuote, simulateFraudReview } from '../../../src/providers/simulated-quotes.ts';
import type { FraudReviewRequest } from '../../../src/providers/types.ts';
import { startSandbox } from '../../../sandbox/server.ts';
import type { Sandbox, SandboxOptions } from '../../../sandbox/server.ts';
import { subject } from './subjects.ts';

const open: Sandbox[] = [];
async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = await startSandbox({ port: 0, ...options });
  open.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function expectProviderError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** A fetch that counts calls, to see how many attempts a policy made. */
function countingFetch(): { fetch: typeof globalThis.fetch; count: () => number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      calls++;
      return globalThis.fetch(input, init);
    },
    count: () => calls,
  };
}

const fastPolicy = { ratePerSecond: 1_000, initialDelayInMs: 5, maxDelayInMs: 2_000 };

const reviewRequest: FraudReviewRequest = {
  propertyId: 'P-7',
  state: 'FL',
  zip: '33101',
  propertyType: 'CONDO',
  currentValue: 310_000,
  rulesScore: 62,
  flags: [{ code: 'RAPID_RESALE', points: 25, detail: 'resold within 90 days at +40%' }],
};

describe('HTTP AVM against the sandbox', () => {
  it('answers what the in-process simulator answers', async () => {
    const { url, stats } = await sandbox({ apiKey: 'secret' });
    const avm = createHttpAvm({ name: 'avm-primary', baseUrl: `${url}/`, apiKey: 'secret', timeoutInMs: 2_000 });
    const quote = await avm.value(subject('P-1'));
    expect(quote).toEqual({ ...simulateAvmQuote('avm-primary', subject('P-1'), quote.valuedAt) });
    expect(stats()).toMatchObject({ calls: 1, distinctProperties: 1 });
  });

  it('honours Retry-After on 429 so that concurrent calls all succeed', async () => {
    const { url, stats } = await sandbox({ ratePerSecond: 2 });
    const avm = createHttpAvm({ name: 'avm-primary', baseUrl: url, timeoutInMs: 2_000 });
    const policy = createProviderPolicy({ ...fastPolicy, maxRetries: 4 });
    // The client's limiter starts far above the sandbox's limit, to provoke 429s.
    const bucket = new AdaptiveRateLimiter({ initialRate: 1_000 });
    const started = performance.now();
    const quotes = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        withProviderPolicy(policy, bucket, (signal) => avm.value(subject(`P-${i}`), { signal })),
      ),
    );
    expect(quotes).toHaveLength(5);
    expect(stats().rejected429).toBeGreaterThan(0);
    expect(stats().calls).toBe(5);
    // Retry-After is at least 1 s: the rejected calls cannot have come back sooner.
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    // And the limiter learned from the 429s: it goes slower than it started.
    expect(bucket.ratePerSecond).toBeLessThan(1_000);
  });

  it('gives up as unavailable after maxRetries + 1 attempts of 503', async () => {
    const { url, stats } = await sandbox({ failureRate: 1 });
    const avm = createHttpAvm({ name: 'avm-primary', baseUrl: url, timeoutInMs: 2_000 });
    const policy = createProviderPolicy({ ...fastPolicy, maxRetries: 2 });
    const bucket = new AdaptiveRateLimiter({ initialRate: 1_000 });
    const error = await expectProviderError(
      withProviderPolicy(policy, bucket, (signal) => avm.value(subject('P-1'), { signal })),
    );
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(stats()).toMatchObject({ failed503: 3, calls: 0 });
  });

  it('reports a slow answer as a timeout', async () => {
    const { url } = await sandbox({ latencyInMs: 500 });
    const avm = createHttpAvm({ name: 'avm-primary', baseUrl: url, timeoutInMs: 100 });
    const error = await expectProviderError(avm.value(subject('P-1')));
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
  });

  it('rethrows the caller’s abort as is, not as a provider failure', async () => {
    const { url } = await sandbox({ latencyInMs: 500 });
    const avm = createHttpAvm({ name: 'avm-primary', baseUrl: url, timeoutInMs: 2_000 });
    const reason = new Error('job cancelled');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    await expect(avm.value(subject('P-1'), { signal: controller.signal })).rejects.toBe(reason);
  });

  it('leaves nothing on the caller’s signal once a call has answered', async () => {
    // A chunk's signal lives for the whole chunk: each call's listener must go when the call ends.
    const { url } = await sandbox();
    const avm = createHttpAvm({ name: 'avm-primary', baseUrl: url, timeoutInMs: 2_000 });
    const controller = new AbortController();
    for (let i = 0; i < 5; i++) await avm.value(subject(`P-${i}`), { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not retry a wrong api key', async () => {
    const { url } = await sandbox({ apiKey: 'secret' });
    const counter = countingFetch();
    const avm = createHttpAvm({
      name: 'avm-primary',
      baseUrl: url,
      apiKey: 'wrong',
      timeoutInMs: 2_000,
      fetch: counter.fetch,
    });
    const policy = createProviderPolicy({ ...fastPolicy, maxRetries: 3 });
    const bucket = new AdaptiveRateLimiter({ initialRate: 1_000 });
    const error = await expectProviderError(
      withProviderPolicy(policy, bucket, (signal) => avm.value(subject('P-1'), { signal })),
    );
    expect(error).toMatchObject({ kind: 'rejected', status: 401, retryable: false });
    expect(counter.count()).toBe(1);
  });

  it('maps 404 to no_value and an unreadable body to bad_response', async () => {
    const answer = (response: Response) => () => Promise.resolve(response);
    const noValue = createHttpAvm({
      name: 'a',
      baseUrl: 'http://x',
      timeoutInMs: 1_000,
      fetch: answer(new Response('{}', { status: 404 })),
    });
    expect((await expectProviderError(noValue.value(subject('P-1')))).kind).toBe('no_value');
    const notJson = createHttpAvm({
      name: 'a',
      baseUrl: 'http://x',
      timeoutInMs: 1_000,
      fetch: answer(new Response('<html>', { status: 200 })),
    });
    expect((await expectProviderError(notJson.value(subject('P-1')))).kind).toBe('bad_response');
    const badQuote = createHttpAvm({
      name: 'a',
      baseUrl: 'http://x',
      timeoutInMs: 1_000,
      fetch: answer(Response.json({ estimatedValue: -1 })),
    });
    expect((await expectProviderError(badQuote.value(subject('P-1')))).kind).toBe('bad_response');
  });

  it('reports an unreachable host as unavailable', async () => {
    const { url, close } = await sandbox();
    await close();
    const avm = createHttpAvm({ name: 'a', baseUrl: url, timeoutInMs: 1_000 });
    const error = await expectProviderError(avm.value(subject('P-1')));
    expect(error.kind).toBe('unavailable');
  });
});

describe('HTTP fraud review against the sandbox', () => {
  it('answers what the in-process simulator answers', async () => {
    const { url } = await sandbox({ apiKey: 'k' });
    const reviewer = createHttpFraudReview({
      baseUrl: url,
      deployment: 'fraud-review',
      apiKey: 'k',
      timeoutInMs: 2_000,
    });
    const review = await reviewer.review(reviewRequest);
    expect(review).toEqual(simulateFraudReview('fraud-review', reviewRequest));
  });

  it('treats a message that is not the expected JSON as bad_response', async () => {
    const completion = (content: string) => Response.json({ choices: [{ message: { role: 'assistant', content } }] });
    const reviewer = (content: string) =>
      createHttpFraudReview({
        baseUrl: 'http://x',
        deployment: 'd',
        timeoutInMs: 1_000,
        fetch: () => Promise.resolve(completion(content)),
      });
    expect((await expectProviderError(reviewer('I think it is fine').review(reviewRequest))).kind).toBe('bad_response');
    expect((await expectProviderError(reviewer('{"riskScore": 200}').review(reviewRequest))).kind).toBe('bad_response');
  });

  it('maps a rate-limited deployment like any other provider', async () => {
    const { url } = await sandbox({ ratePerSecond: 1 });
    const reviewer = createHttpFraudReview({ baseUrl: url, deployment: 'fraud-review', timeoutInMs: 2_000 });
    await reviewer.review(reviewRequest);
    const error = await expectProviderError(reviewer.review(reviewRequest));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1_000);
  });
});
