// The providers a process uses, built once from settings: the AVM cascade's providers and the AI reviewer,
// each behind its retry policy and the adaptive rate limiter of its vendor endpoint, shared by every provider
// behind the same origin (DESIGN §2.4), with the configured rates, if any, as ceilings (rateGates).
// The cascade itself (src/providers/cascade.ts) is run by the chunk activity, which decides for each provider
// whether an answer is already bought or cached before it asks here.
import type { AiReview, AvmQuote } from '../domain/results.ts';
import { createHttpAvm } from './http-avm.ts';
import { createHttpFraudReview } from './http-fraud-review.ts';
import type { FetchFn } from './http-request.ts';
import { AdaptiveRateLimiter, cappedGate, ceilingBucket, type RateGate } from './adaptive-rate.ts';
import { systemClock, type Clock } from './clock.ts';
import { createProviderPolicy, withProviderPolicy, type ProviderCall, type ProviderPolicyInput } from './resilience.ts';
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
  valueFrom(provider: string, subject: AvmSubject, call?: ProviderCall): Promise<AvmQuote>;
  /** One AI review (a paid call), after the reviewer's rate limit and retries; rejects with a ProviderError. */
  review(request: FraudReviewRequest, call?: ProviderCall): Promise<AiReview>;
  /** The reviewer's name, as it appears on reviews and on the bill. */
  readonly reviewer: string;
}

interface Guarded<P> {
  provider: P;
  gate: RateGate;
}

/** The AI reviewer's key among the gates (one provider of its kind). */
const REVIEWER = 'ai-review';

/** Where a provider's calls go: the origin of its base URL, or the provider itself when simulated. */
function endpointOf(mode: 'simulated' | 'http', baseUrl: string | undefined, name: string): string {
  return mode === 'http' ? new URL(baseUrl ?? '').origin : `simulated:${name}`;
}

/** One kind of vendor call (the AVM cascade's, the AI reviewer's). */
export interface CallKind {
  /** The endpoint (origin) of each provider of the kind, by provider name. */
  endpoints: ReadonlyMap<string, string>;
  /** The configured requests per second of the kind's calls, all its providers together; absent if none. */
  ceiling: number | undefined;
}

/**
 * The rate gate of every provider of every kind (`gates[k].get(name)` for kinds[k]'s provider `name`).
 *
 * One adaptive limiter per endpoint, shared by every kind of call behind it. A vendor counts the requests to
 * one origin under one key together, so the configured limits of the kinds behind one endpoint describe that
 * one limit, not quotas to add up: where every kind behind an endpoint has one, its limiter starts at the
 * largest and never passes it; where some kind has none, it starts at the largest configured, if any, and
 * finds the vendor's limit. Each kind is also held to its own limit, by a bucket in front that its providers
 * share, unless its one endpoint's limiter already holds it to that.
 */
export function rateGates(kinds: readonly CallKind[], clock: Clock = systemClock): Array<Map<string, RateGate>> {
  const ceilingsAt = new Map<string, Array<number | undefined>>();
  for (const kind of kinds)
    for (const endpoint of new Set(kind.endpoints.values()))
      ceilingsAt.set(endpoint, [...(ceilingsAt.get(endpoint) ?? []), kind.ceiling]);
  const limiters = new Map<string, AdaptiveRateLimiter>();
  const endpointCeilings = new Map<string, number>();
  for (const [endpoint, ceilings] of ceilingsAt) {
    const configured = ceilings.filter((c) => c !== undefined);
    const largest = configured.length > 0 ? Math.max(...configured) : undefined;
    const ceiling = configured.length === ceilings.length ? largest : undefined;
    if (ceiling !== undefined) endpointCeilings.set(endpoint, ceiling);
    limiters.set(
      endpoint,
      new AdaptiveRateLimiter(
        { ...(largest !== undefined && { initialRate: largest }), ...(ceiling !== undefined && { ceiling }) },
        clock,
      ),
    );
  }
  return kinds.map(({ endpoints, ceiling }) => {
    const [first, ...others] = new Set(endpoints.values());
    const heldByEndpoint = others.length === 0 && (endpointCeilings.get(first!) ?? Infinity) <= (ceiling ?? Infinity);
    const own = ceiling === undefined || heldByEndpoint ? undefined : ceilingBucket(ceiling, clock);
    return new Map([...endpoints].map(([name, endpoint]) => [name, cappedGate(limiters.get(endpoint)!, own)]));
  });
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
  const reviewEndpoint = endpointOf(r.mode, r.baseUrl, REVIEWER);
  const [avmGates, reviewGates] = rateGates([
    {
      endpoints: new Map(settings.avm.cascade.map((name) => [name, avmEndpoint(name)])),
      ceiling: settings.avm.policy.ratePerSecond,
    },
    { endpoints: new Map([[REVIEWER, reviewEndpoint]]), ceiling: r.policy.ratePerSecond },
  ]) as [Map<string, RateGate>, Map<string, RateGate>];
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
    gate: avmGates.get(name)!,
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
    gate: reviewGates.get(REVIEWER)!,
  };

  return {
    cascade: settings.avm.cascade,
    async valueFrom(name, subject, call) {
      const guarded = byName.get(name);
      if (!guarded) throw new RangeError(`no AVM provider '${name}' in the cascade`);
      const started = performance.now();
      let ok = false;
      try {
        const quote = await withProviderPolicy(
          avmPolicy,
          guarded.gate,
          (attemptSignal) => guarded.provider.value(subject, { signal: attemptSignal }),
          call,
        );
        ok = true;
        return quote;
      } finally {
        options.onAvmCall?.(name, performance.now() - started, ok);
      }
    },
    review: (request, call) =>
      withProviderPolicy(
        reviewPolicy,
        reviewer.gate,
        (attemptSignal) => reviewer.provider.review(request, { signal: attemptSignal }),
        call,
      ),
    reviewer: reviewer.provider.name,
  };
}
