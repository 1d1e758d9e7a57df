// The providers a process uses, built once from settings: the AVM cascade's providers and the AI reviewer,
// each behind its own shared token bucket and retry policy (DESIGN §2.4: a shared rate limit per provider).
// The cascade itself (src/providers/cascade.ts) is run by the chunk activity, which decides for each provider
// whether an answer is already bought or cached before it asks here.
import type { AiReview, AvmQuote } from '../domain/results.ts';
import { createHttpAvm } from './http-avm.ts';
import { createHttpFraudReview } from './http-fraud-review.ts';
import type { FetchFn } from './http-request.ts';
import { TokenBucket } from './rate-limit.ts';
import { createProviderPolicy, withProviderPolicy, type ProviderPolicyInput } from './resilience.ts';
import { createSimulatedAvm, createSimulatedFraudReview } from './simulator.ts';
import type { AvmProvider, AvmSubject, FraudReviewProvider, FraudReviewRequest } from './types.ts';

export interface ProviderSettings {
  avm: {
    mode: 'simulated' | 'http';
    cascade: string[];
    baseUrl?: string | undefined;
    apiKey?: string | undefined;
    timeoutInMs: number;
    policy: ProviderPolicyInput & { ratePerSecond: number };
  };
  fraudReview: {
    mode: 'simulated' | 'http';
    baseUrl?: string | undefined;
    apiKey?: string | undefined;
    deployment: string;
    timeoutInMs: number;
    policy: ProviderPolicyInput & { ratePerSecond: number };
  };
}

export interface ProviderSet {
  /** The AVM providers' names in cascade order. */
  readonly cascade: readonly string[];
  /** One answer of AVM `provider` (a paid call), after its rate limit and retries; rejects with a ProviderError. */
  valueFrom(provider: string, subject: AvmSubject, signal?: AbortSignal): Promise<AvmQuote>;
  /** One AI review (a paid call), after the reviewer's rate limit and retries; rejects with a ProviderError. */
  review(request: FraudReviewRequest, signal?: AbortSignal): Promise<AiReview>;
  /** The reviewer's name, as it appears on reviews and on the bill. */
  readonly reviewer: string;
}

interface Guarded<P> {
  provider: P;
  bucket: TokenBucket;
}

export interface ProviderSetOptions {
  fetch?: FetchFn;
  /** Called after each AVM call attempt sequence with its duration (telemetry). */
  onAvmCall?: (provider: string, durationMs: number, ok: boolean) => void;
}

export function createProviderSet(settings: ProviderSettings, options: ProviderSetOptions = {}): ProviderSet {
  const avmPolicy = createProviderPolicy(settings.avm.policy);
  const reviewPolicy = createProviderPolicy(settings.fraudReview.policy);
  const avms: Array<Guarded<AvmProvider>> = settings.avm.cascade.map((name) => ({
    provider:
      settings.avm.mode === 'http'
        ? createHttpAvm({
            name,
            baseUrl: settings.avm.baseUrl ?? '',
            timeoutInMs: settings.avm.timeoutInMs,
            ...(settings.avm.apiKey !== undefined && { apiKey: settings.avm.apiKey }),
            ...(options.fetch && { fetch: options.fetch }),
          })
        : createSimulatedAvm(name),
    // Bursts of a few requests keep a provider busy while the next tokens accrue.
    bucket: new TokenBucket({
      ratePerSecond: settings.avm.policy.ratePerSecond,
      burst: Math.max(1, Math.ceil(settings.avm.policy.ratePerSecond / 10)),
    }),
  }));
  const byName = new Map(avms.map((g) => [g.provider.name, g]));
  const r = settings.fraudReview;
  const reviewer: Guarded<FraudReviewProvider> = {
    provider:
      r.mode === 'http'
        ? createHttpFraudReview({
            baseUrl: r.baseUrl ?? '',
            deployment: r.deployment,
            timeoutInMs: r.timeoutInMs,
            ...(r.apiKey !== undefined && { apiKey: r.apiKey }),
            ...(options.fetch && { fetch: options.fetch }),
          })
        : createSimulatedFraudReview(),
    bucket: new TokenBucket({
      ratePerSecond: r.policy.ratePerSecond,
      burst: Math.max(1, Math.ceil(r.policy.ratePerSecond / 10)),
    }),
  };

  return {
    cascade: settings.avm.cascade,
    async valueFrom(name, subject, signal) {
      const guarded = byName.get(name);
      if (!guarded) throw new RangeError(`no AVM provider '${name}' in the cascade`);
      const started = performance.now();
      let ok = false;
      try {
        const quote = await withProviderPolicy(
          avmPolicy,
          guarded.bucket,
          (attemptSignal) => guarded.provider.value(subject, { signal: attemptSignal }),
          signal,
        );
        ok = true;
        return quote;
      } finally {
        options.onAvmCall?.(name, performance.now() - started, ok);
      }
    },
    review: (request, signal) =>
      withProviderPolicy(
        reviewPolicy,
        reviewer.bucket,
        (attemptSignal) => reviewer.provider.review(request, { signal: attemptSignal }),
        signal,
      ),
    reviewer: reviewer.provider.name,
  };
}
