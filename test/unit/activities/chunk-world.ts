// In-memory ports for analyzeChunk: what src/app.ts binds to the chunk blobs, plans, chunk markers, results,
// snapshot parts and the cache of paid answers, kept in maps so a test can stage a chunk, a crashed attempt or
// an earlier purchase and read back what the activity recorded, and in which order (`log`). The AVMs and the
// AI reviewer are small fakes of the vendors (external paid services): each call is logged and answers what
// the test scripted for that provider and property. The markers keep the repository's rules
// (src/storage/chunk-markers-repository.ts): begin records nothing for a reservation that already finished.
import type { AnalyzeChunkPorts, CachedAnswer } from '../../../src/activities/analyze-chunk.ts';
import type { PriceTable } from '../../../src/domain/cost.ts';
import { fraudOptionsSchema } from '../../../src/domain/fraud.ts';
import type { StopReason } from '../../../src/domain/job-progress.ts';
import type { AiReview, AvmQuote, PropertyResult } from '../../../src/domain/results.ts';
import { riskOptionsSchema } from '../../../src/domain/risk.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import type { SnapshotRecord } from '../../../src/domain/snapshot.ts';
import { valuationOptionsSchema } from '../../../src/domain/valuation.ts';
import { ProviderError, type ProviderErrorKind } from '../../../src/providers/errors.ts';
import type { ProviderSet } from '../../../src/providers/provider-set.ts';
import type { ProviderCall } from '../../../src/providers/resilience.ts';
import type { ChunkMarker } from '../../../src/storage/chunk-markers-repository.ts';
import type { AnalyzeChunkInput } from '../../../src/workflow.ts';

export const JOB = 'job-chunk';
export const REVIEWER = 'ai-reviewer';
const NOW = '2026-11-02T08:00:00.000Z';

/**
 * Cents: avm-primary 2 and avm-secondary 3 per answer, an AI review 5, the risk charge 1. A comprehensive
 * property costs at most 2 + 3 + 5 + 1 = 11; the dearest single call of a comprehensive run is the review (5),
 * of a valuation run avm-secondary (3).
 */
export const PRICES: PriceTable = {
  avm: [
    { provider: 'avm-primary', cents: 2 },
    { provider: 'avm-secondary', cents: 3 },
  ],
  review: 5,
  risk: 1,
};

/** A property with a loan and a last appraisal; `n` makes its id (`P{n}`) and its street address unique. */
export function property(n: number, overrides: Partial<Property> = {}): Property {
  return {
    propertyId: `P${n}`,
    address: `${n} Main St`,
    city: 'Austin',
    state: 'TX',
    zip: '78701',
    propertyType: 'SFR',
    lastAppraisedValue: 300_000,
    lastAppraisalDate: '2025-01-15',
    loan: { balance: 200_000 },
    ...overrides,
  };
}

/** Analysis of chunk entry 0 of the first pass under reservation `run:0`, comprehensive, with room for anything. */
export function chunkInput(overrides: Partial<AnalyzeChunkInput> = {}): AnalyzeChunkInput {
  return {
    jobId: JOB,
    plan: { mode: 'all' },
    entry: 0,
    reservationKey: `${JOB}:run:0:0`,
    capCents: 1_000,
    analysisType: 'comprehensive',
    asOf: '2026-11-02T00:00:00.000Z',
    ...overrides,
  };
}

/**
 * What a vendor does for one provider (or the reviewer) and property: answers with a quote's FSD (after `timeouts`
 * attempts that timed out and were retried), or fails with an error kind (`timeout`: the last attempt timed out).
 */
type Scripted = { fsd: number; timeouts?: number } | ProviderErrorKind;

const quoteKey = (cacheKey: string, provider: string) => `${cacheKey}|${provider}`;
const reviewKey = (cacheKey: string, reviewer: string, request: unknown) =>
  `${cacheKey}|${reviewer}|${JSON.stringify(request)}`;

export class ChunkWorld {
  /** What happened, in order: `begin 0`, `call avm-primary P1`, `record avm-primary P1`, `save P1,P2`, ... */
  readonly log: string[] = [];
  readonly chunks = new Map<number, Property[]>();
  /** planId -> the chunk index of each entry. */
  readonly plans = new Map<string, number[]>();
  /** The identities the job's propertyIds share (staged beside the chunks). */
  shared: string[] = [];
  readonly markers = new Map<number, ChunkMarker>();
  readonly results = new Map<string, PropertyResult>();
  readonly snapshots = new Map<number, SnapshotRecord[]>();
  /** The cache of paid answers. */
  readonly quotes = new Map<string, CachedAnswer<AvmQuote>>();
  readonly reviews = new Map<string, CachedAnswer<AiReview>>();
  /** `${provider} ${propertyId}` -> the vendor's answer; unscripted AVM calls answer FSD 0.08, reviews answer. */
  readonly vendor = new Map<string, Scripted>();
  /** The job's stop at each check, in turn (the last one repeats); empty: never stopped. */
  stops: Array<StopReason | undefined> = [];
  /** Writes that fail: a purchase record of these `provider propertyId`, and the results. */
  readonly failing = { records: new Set<string>(), results: 0 };

  /** What the vendors answered (and so billed), in cents, from the log; `timeout` adds the calls that timed out. */
  billedCents(lines: 'answer' | 'timeout' = 'answer'): number {
    const prices = new Map([...PRICES.avm.map((p) => [p.provider, p.cents] as const), ['review', PRICES.review]]);
    return this.log
      .filter((line) => line.startsWith(`${lines} `))
      .reduce((sum, line) => sum + prices.get(line.split(' ')[1]!)!, 0);
  }

  /** The vendor calls made, as `provider propertyId`. */
  calls(): string[] {
    return this.log.filter((line) => line.startsWith('call ')).map((line) => line.slice('call '.length));
  }

  ports(overrides: Partial<AnalyzeChunkPorts> = {}): AnalyzeChunkPorts {
    const stops = [...this.stops];
    return {
      readChunk: async (_jobId, n) => ({
        properties: structuredClone(this.chunks.get(n)!),
        sharedIdentities: this.shared,
      }),
      planEntry: async (_jobId, planId, entry) => this.plans.get(planId)![entry]!,
      beginAttempt: async (jobId, n, key) => {
        this.log.push(`begin ${n}`);
        const before = this.markers.get(n);
        if (before?.completed?.key === key) return structuredClone(before);
        this.markers.set(n, {
          ...(before ?? { id: `chunk-${n}`, jobId, chunkIndex: n }),
          attempts: (before?.attempts ?? 0) + 1,
          inFlight: key,
          startedAt: NOW,
        });
        return before && structuredClone(before);
      },
      finishAttempt: async (_jobId, n, run) => {
        this.log.push(`finish ${n}`);
        const { inFlight: _done, ...rest } = this.markers.get(n)!;
        this.markers.set(n, { ...rest, completed: structuredClone(run) });
      },
      releaseAttempt: async (_jobId, n) => {
        this.log.push(`release ${n}`);
        const { inFlight: _done, ...rest } = this.markers.get(n)!;
        this.markers.set(n, rest);
      },
      storedResults: async (_jobId, ids) => ids.flatMap((id) => structuredClone(this.results.get(id) ?? [])),
      saveResults: async (_jobId, _n, results) => {
        if (this.failing.results > 0) {
          this.failing.results--;
          throw new Error('results container unavailable');
        }
        this.log.push(`save ${results.map((r) => r.propertyId).join(',')}`);
        for (const r of results) this.results.set(r.propertyId, structuredClone(r));
      },
      saveSnapshotPart: async (_jobId, n, records) => {
        this.log.push(`snapshot ${n}`);
        this.snapshots.set(n, [...records]);
      },
      paid: {
        quote: async (cacheKey, provider) => structuredClone(this.quotes.get(quoteKey(cacheKey, provider))),
        saveQuote: async (cacheKey, quote, purchase) => {
          const what = `${quote.provider} ${purchase.propertyId}`;
          if (this.failing.records.has(what)) throw new Error('valuation cache unavailable');
          this.log.push(`record ${what}`);
          this.quotes.set(quoteKey(cacheKey, quote.provider), { answer: quote, purchase, fresh: true });
        },
        review: async (cacheKey, reviewer, request) =>
          structuredClone(this.reviews.get(reviewKey(cacheKey, reviewer, request))),
        saveReview: async (cacheKey, reviewer, request, review, purchase) => {
          const what = `review ${purchase.propertyId}`;
          if (this.failing.records.has(what)) throw new Error('valuation cache unavailable');
          this.log.push(`record ${what}`);
          this.reviews.set(reviewKey(cacheKey, reviewer, request), { answer: review, purchase, fresh: true });
        },
      },
      providers: this.#vendors(),
      stopRequested: async () => (stops.length > 1 ? stops.shift() : stops[0]),
      options: {
        valuation: valuationOptionsSchema.parse({}),
        risk: riskOptionsSchema.parse({}),
        // Every property screened goes to the AI reviewer: each comprehensive property buys one review.
        fraud: fraudOptionsSchema.parse({ aiReviewThreshold: 0 }),
        prices: PRICES,
      },
      concurrency: 1,
      chaos: { failFirstAttempt: false, faultAfterValuation: () => false },
      now: () => new Date(NOW),
      ...overrides,
    };
  }

  /**
   * The fake vendors behind the provider set's retry policy: each call logged, then answered (and billed) as
   * scripted; an attempt that timed out is logged and reported to the caller (ProviderCall.onTimedOut), and
   * not tried again when the caller answers false, as src/providers/resilience.ts does.
   */
  #vendors(): ProviderSet {
    const answer = (provider: string, propertyId: string, call: ProviderCall | undefined, fallback: Scripted) => {
      const what = `${provider} ${propertyId}`;
      this.log.push(`call ${what}`);
      const scripted = this.vendor.get(what) ?? fallback;
      const timedOut = () => {
        this.log.push(`timeout ${what}`);
        if (call?.onTimedOut?.() === false)
          throw new ProviderError({ provider, kind: 'timeout', message: 'not tried again', final: true });
      };
      if (typeof scripted === 'string') {
        if (scripted === 'timeout') timedOut();
        throw new ProviderError({ provider, kind: scripted, message: scripted });
      }
      for (let n = 0; n < (scripted.timeouts ?? 0); n++) timedOut();
      this.log.push(`answer ${what}`);
      return scripted.fsd;
    };
    return {
      cascade: PRICES.avm.map((p) => p.provider),
      reviewer: REVIEWER,
      valueFrom: async (provider, subject, call) => ({
        provider,
        estimatedValue: 320_000,
        fsd: answer(provider, subject.propertyId, call, { fsd: 0.08 }),
        valuedAt: '2026-11-01T00:00:00.000Z',
      }),
      review: async (request, call) => {
        answer('review', request.propertyId, call, { fsd: 0 });
        return { provider: REVIEWER, riskScore: 10, verdict: 'clear', summary: 'nothing found' };
      },
    };
  }
}
