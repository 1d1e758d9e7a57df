// The providers a process uses, built once from settings: the AVM cascade's providers and the AI reviewer,
// each behind its retry policy and the adaptive rate limiter of its vendor endpoint, shared by every provider
// behind the same origin (DESIGN §2.4), with the provider's configured rate, if any, as a ceiling.
// The cascade itself (src/providers/cascade.ts) is run by the chunk activity, which decides for each provider
// whether an answer is already bought or cached before it asks here.
import type { AiReview, AvmQuote } from '../domain/results.ts';
import { createHttpAvm } from './http-avm.ts';
import { createHttpFraudReview } from './http-fraud-review.ts';
import type { FetchFn } from './http-request.ts';
import { AdaptiveRateLimiter, cappedGate, type RateGate } from './adaptive-rate.ts';
import { MAX_RATE_PER_SECOND } from './aimd.ts';
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
    policy: ProviderPolicyInput;
  };
  fraudReview: {
    mode: 'simulated' | 'http';
    baseUrl?: string | undefined;
    apiKey?: string | undefined;
    deployment: string;
    timeoutInMs: number;
    policy: ProviderPolicyInput;
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
  gate: RateGate;
}

/** Where a provider's calls go: the origin of its base URL, or the provider itself when simulated. */
function endpointOf(mode: 'simulated' | 'http', baseUrl: string | undefined, name: string): string {
  return mode === 'http' ? new URL(baseUrl ?? '').origin : `simulated:${name}`;
}

/**
 * One adaptive limiter per endpoint. Where every provider behind an endpoint has a configured rate, the
 * limiter starts at the largest and never passes their sum; otherwise it starts low and finds the limit.
 */
export function limitersByEndpoint(
  uses: ReadonlyArray<{ endpoint: string; ceiling: number | undefined }>,
): Map<string, AdaptiveRateLimiter> {
  const limiters = new Map<string, AdaptiveRateLimiter>();
  for (const endpoint of new Set(uses.map((u) => u.endpoint))) {
    const ceilings = uses.filter((u) => u.endpoint === endpoint).map((u) => u.ceiling);
    const configured = ceilings.filter((c) => c !== undefined);
    limiters.set(
      endpoint,
      new AdaptiveRateLimiter(
        configured.length === ceilings.length
          ? {
              initialRate: Math.max(...configured),
              ceiling: Math.min(
                MAX_RATE_PER_SECOND,
                configured.reduce((a, b) => a + b, 0),
              ),
            }
          : {},
      ),
    );
  }
  return limiters;
}

export interface ProviderSetOptions {
  fetch?: FetchFn;
  /** Called after each AVM call attempt sequence with its duration (telemetry). */
  onAvmCall?: (provider: string, durationMs: number, ok: boolean) => void;
}

export function createProviderSet(settings: ProviderSettings, options: ProviderSetOptions = {}): ProviderSet {
  const avmPolicy = createProviderPolicy(settings.avm.policy);
  const reviewPolicy = createProviderPolicy(settings.fraudReview.policy);
  const r = settings.fraudReview;
  const avmEndpoint = (name: string) => endpointOf(settings.avm.mode, settings.avm.baseUrl, name);
  const reviewEndpoint = endpointOf(r.mode, r.baseUrl, 'ai-review');
  const limiters = limitersByEndpoint([
    ...settings.avm.cascade.map((name) => ({
      endpoint: avmEndpoint(name),
      ceiling: settings.avm.policy.ratePerSecond,
    })),
    { endpoint: reviewEndpoint, ceiling: r.policy.ratePerSecond },
  ]);
  const gateFor = (endpoint: string, ceiling: number | undefined) => cappedGate(limiters.get(endpoint)!, ceiling);
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
    gate: gateFor(avmEndpoint(name), settings.avm.policy.ratePerSecond),
  }));
  const byName = new Map(avms.map((g) => [g.provider.name, g]));
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
    gate: gateFor(reviewEndpoint, r.policy.ratePerSecond),
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
          guarded.gate,
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
        reviewer.gate,
        (attemptSignal) => reviewer.provider.review(request, { signal: attemptSignal }),
        signal,
      ),
    reviewer: reviewer.provider.name,
  };
}
