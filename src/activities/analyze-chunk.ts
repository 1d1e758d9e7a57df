// analyzeChunk: the unit of I/O work (DESIGN §2.4). Runs one chunk for one pass under one reservation:
// reads the chunk blob, redoes the properties the pass is for (all of them on the first pass; failures on a
// retry pass or a redrive) and stores their results, the chunk's part of the job's per-property snapshot,
// the chunk's counts and summary.
//
// Money rules (issue 11.2, 12.2):
// - Each answer a vendor bills (an AVM answer of the cascade, an AI review) is recorded durably the moment it
//   arrives — in the cache of paid answers, with who paid and what was billed — before anything else can fail.
//   A property's result keeps its purchases, so a retry or redrive reuses them and its cost is their sum.
// - Before each property it checks the job's stop (DELETE, a terminated root) and stops buying; properties
//   not started are left without a result (a redrive can pick them up).
// - It never commits more than the reservation's cap: a property starts only when its worst case still fits
//   beside what the chunk has spent and holds; the rest is deferred to the lane's next reservation.
// - An attempt that died with calls in flight (a crash) may have been billed for answers it never recorded:
//   the next attempt counts at most one call per property then in flight as `unconfirmedCents`. So is each
//   call that timed out: the vendor may have answered, and billed, after we stopped waiting.
// One property's failure is recorded on that property and never fails the chunk.
import {
  analyzedProperty,
  buysValuations,
  failedProperty,
  fraudScreening,
  includesFraud,
  type AnalysisOptions,
} from '../domain/analysis.ts';
import { avmPriceCents, largestCallCents, worstCaseCentsPerProperty } from '../domain/cost.ts';
import { needsAiReview } from '../domain/fraud.ts';
import { valuationKey } from '../domain/identity.ts';
import type { StopReason } from '../domain/job-progress.ts';
import { chunkCounts, deltaBetween, needsWork, NO_COUNTS } from '../domain/passes.ts';
import type { AiReview, AvmQuote, PropertyError, PropertyResult, Purchase } from '../domain/results.ts';
import type { Property } from '../domain/schemas.ts';
import { snapshotRecordOf, type SnapshotRecord } from '../domain/snapshot.ts';
import { summarizeResults } from '../domain/summary.ts';
import { appraisalBasis, quoteBasis, type ValueBasis } from '../domain/valuation.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { CascadeError, valueByCascade, type CascadeAnswer } from '../providers/cascade.ts';
import { ProviderError } from '../providers/errors.ts';
import type { ProviderSet } from '../providers/provider-set.ts';
import type { FraudReviewRequest } from '../providers/types.ts';
import { unconfirmedOf, type ChunkMarker, type ChunkRun } from '../storage/chunk-markers-repository.ts';
import { isTransientStorageError, TransientStorageError } from '../storage/errors.ts';
import type { CachedPurchase } from '../storage/valuation-cache.ts';
import type { AnalyzeChunkInput, AnalyzeChunkOutput } from '../workflow.ts';

/** A paid answer as the cache holds it: the answer, who paid for it, and whether anyone may still reuse it. */
export interface CachedAnswer<T> {
  answer: T;
  purchase?: CachedPurchase | undefined;
  fresh: boolean;
}

/**
 * The cache of paid answers (src/storage/valuation-cache.ts), keyed by the property's valuation key
 * (valuationKey: its identity, or its identity and propertyId where the identity may stand for several).
 */
export interface PaidAnswers {
  quote(cacheKey: string, provider: string): Promise<CachedAnswer<AvmQuote> | undefined>;
  /** Records an AVM answer just bought; rejects when it could not be stored (after retries). */
  saveQuote(cacheKey: string, quote: AvmQuote, purchase: CachedPurchase): Promise<void>;
  review(cacheKey: string, reviewer: string, request: FraudReviewRequest): Promise<CachedAnswer<AiReview> | undefined>;
  /** Records an AI review just bought; rejects when it could not be stored (after retries). */
  saveReview(
    cacheKey: string,
    reviewer: string,
    request: FraudReviewRequest,
    review: AiReview,
    purchase: CachedPurchase,
  ): Promise<void>;
}

/** What analyzeChunk reads and writes; src/app.ts binds it to Cosmos, blobs, the providers and the durable client. */
export interface AnalyzeChunkPorts {
  /** The chunk's properties and the identities they share with other propertyIds of the job. */
  readChunk(
    jobId: string,
    chunkIndex: number,
    stagingId: string | undefined,
  ): Promise<{ properties: Property[]; sharedIdentities: string[] }>;
  /** The chunk index at position `entry` of a pass's plan. */
  planEntry(jobId: string, planId: string, entry: number): Promise<number>;
  /** Records an attempt under `key`; returns the chunk's marker as it was (undefined: the chunk never ran). */
  beginAttempt(jobId: string, chunkIndex: number, key: string): Promise<ChunkMarker | undefined>;
  finishAttempt(jobId: string, chunkIndex: number, run: ChunkRun): Promise<void>;
  /** Marks the attempt as ended cleanly (everything it bought is recorded). */
  releaseAttempt(jobId: string, chunkIndex: number): Promise<void>;
  storedResults(jobId: string, propertyIds: readonly string[]): Promise<PropertyResult[]>;
  saveResults(jobId: string, chunkIndex: number, results: readonly PropertyResult[]): Promise<void>;
  /** Appends the chunk's part of the job's per-property snapshot (every result the chunk has now). */
  saveSnapshotPart(jobId: string, chunkIndex: number, records: readonly SnapshotRecord[]): Promise<void>;
  paid: PaidAnswers;
  providers: ProviderSet;
  /** The job's stop, if any: checked before each property (the port may answer from a short-lived cache). */
  stopRequested(jobId: string): Promise<StopReason | undefined>;
  options: AnalysisOptions;
  /** Properties analysed at once within the chunk. */
  concurrency: number;
  chaos: {
    /** Fail each chunk's first attempt after its values are bought and recorded. */
    failFirstAttempt: boolean;
    /** Whether a storage fault is injected right after this property's valuation is bought (first analysis only). */
    faultAfterValuation(propertyId: string): boolean;
  };
  now(): Date;
}

/** A vendor's answer arrived but could not be recorded: the chunk stops buying and the attempt fails. */
export class PurchaseNotRecordedError extends Error {
  constructor(what: string, options: { cause: unknown }) {
    super(
      `a paid ${what} could not be recorded: ${String((options.cause as Error)?.message ?? options.cause)}`,
      options,
    );
    this.name = 'PurchaseNotRecordedError';
  }
}

function errorOf(error: unknown): PropertyError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CascadeError)
    return error.kind === 'no_value'
      ? { code: 'NO_AVM_VALUE', message, transient: false }
      : { code: 'AVM_UNAVAILABLE', message, transient: true };
  if (error instanceof ProviderError)
    return { code: `PROVIDER_${error.kind.toUpperCase()}`, message, transient: error.retryable };
  if (isTransientStorageError(error)) return { code: 'STORAGE_ERROR', message, transient: true };
  return { code: 'ANALYSIS_ERROR', message, transient: false };
}

const centsOf = (result: PropertyResult | undefined) => (result ? Math.round(result.cost.total * 100) : 0);

/**
 * Runs chunk entry `input.entry` of a pass under reservation `input.reservationKey`, spending at most
 * `input.capCents`, and returns what it changed. A run of a reservation that already finished answers what
 * that run answered. Throws (failing the attempt, which the lane retries) on storage errors, on a paid answer
 * that could not be recorded, and on the chaos switch; the retry redoes nothing that was stored.
 */
export async function analyzeChunk(input: AnalyzeChunkInput, ports: AnalyzeChunkPorts): Promise<AnalyzeChunkOutput> {
  const { jobId, analysisType, reservationKey: key } = input;
  const chunkIndex =
    input.plan.id === undefined ? input.entry : await ports.planEntry(jobId, input.plan.id, input.entry);
  const before = await ports.beginAttempt(jobId, chunkIndex, key);
  const last = before?.completed;
  if (last?.key === key)
    return { chunkIndex, delta: last.delta, deferred: last.deferred, ...(last.stopped && { stopped: last.stopped }) };

  const { properties, sharedIdentities } = await ports.readChunk(jobId, chunkIndex, input.stagingId);
  const shared = new Set(sharedIdentities);
  const stored = before
    ? await ports.storedResults(
        jobId,
        properties.map((p) => p.propertyId),
      )
    : [];
  const storedById = new Map(stored.map((r) => [r.propertyId, r]));
  const todo = properties.filter((p) => needsWork(storedById.get(p.propertyId), input.plan.mode));
  const { prices } = ports.options;
  const worst = worstCaseCentsPerProperty(analysisType, prices);
  // An attempt died with calls in flight: at most one call per property then in flight, at the dearest price.
  const unconfirmedCents =
    before?.inFlight === undefined
      ? 0
      : Math.min(ports.concurrency, todo.length) * largestCallCents(analysisType, prices);

  let committed = unconfirmedCents;
  let timedOutCents = 0;
  let deferred = 0;
  let stopped: StopReason | undefined;
  let aborted: Error | undefined;
  const fresh = new Map<string, PropertyResult>();
  // A timed-out call may have been billed: counted at once, and retried only if the retry still fits the cap
  // (the property's worst case held one call of that provider; the lost one is spent beyond it).
  const analyze = propertyAnalyzer(input, ports, (cents) => {
    timedOutCents += cents;
    committed += cents;
    return committed <= input.capCents;
  });
  await mapWithConcurrency(todo, ports.concurrency, async (property) => {
    if (aborted !== undefined || stopped !== undefined) return;
    const stop = await ports.stopRequested(jobId);
    if (stop !== undefined) {
      stopped ??= stop;
      return;
    }
    if (committed + worst > input.capCents) {
      deferred++;
      return;
    }
    committed += worst;
    const prior = storedById.get(property.propertyId);
    try {
      const result = await analyze(property, valuationKey(property, shared), prior);
      fresh.set(property.propertyId, result);
      committed += centsOf(result) - centsOf(prior) - worst;
    } catch (error) {
      aborted ??= error instanceof Error ? error : new Error(String(error));
    }
  });
  // Answers may have been bought without a record: keep the attempt marked in flight for the next one.
  if (aborted !== undefined) throw aborted;

  try {
    if (ports.chaos.failFirstAttempt && before === undefined)
      throw new Error(`chaos: chunk ${chunkIndex} of ${jobId} fails its first attempt after buying its values`);
    await ports.saveResults(jobId, chunkIndex, [...fresh.values()]);
    const final = properties.flatMap((p) => fresh.get(p.propertyId) ?? storedById.get(p.propertyId) ?? []);
    // The whole chunk again on a later run: the snapshot keeps the last record of each property.
    await ports.saveSnapshotPart(jobId, chunkIndex, final.map(snapshotRecordOf));
    const counts = chunkCounts(final, properties.length);
    const summary = summarizeResults(final);
    const costCents = summary.costCents.total;
    const delta = deltaBetween(last?.counts ?? NO_COUNTS, counts, {
      cents: costCents - (last?.costCents ?? 0),
      unconfirmedCents: unconfirmedCents + timedOutCents,
    });
    const run: ChunkRun = {
      key,
      at: ports.now().toISOString(),
      counts,
      costCents,
      delta,
      unconfirmedCents: unconfirmedOf(last) + delta.unconfirmedCents,
      deferred,
      ...(stopped && { stopped }),
      summary,
    };
    await ports.finishAttempt(jobId, chunkIndex, run);
    return { chunkIndex, delta, deferred, ...(stopped && { stopped }) };
  } catch (error) {
    // Everything bought was recorded before this point: the next attempt owes no unconfirmed calls.
    await ports.releaseAttempt(jobId, chunkIndex).catch(() => undefined);
    throw error;
  }
}

/**
 * One property's analysis for this run: reuses what the property already bought, records what it buys, and
 * tells `timedOut` the price (cents) of each paid call that timed out; `timedOut` answers whether the call may
 * be tried again.
 */
function propertyAnalyzer(input: AnalyzeChunkInput, ports: AnalyzeChunkPorts, timedOut: (cents: number) => boolean) {
  const { jobId, analysisType } = input;
  const asOf = new Date(input.asOf);
  const { options, providers } = ports;
  const { prices } = options;

  return async (property: Property, cacheKey: string, prior: PropertyResult | undefined): Promise<PropertyResult> => {
    const purchases: Purchase[] = [...(prior?.purchases ?? [])];
    const ownPurchase = (purchase: CachedPurchase | undefined) =>
      purchase?.jobId === jobId && purchase.propertyId === property.propertyId;
    const newPurchase = (cents: number): CachedPurchase => ({
      jobId,
      propertyId: property.propertyId,
      cents,
      at: ports.now().toISOString(),
    });

    /** A provider's answer: bought earlier for this property, reused from the cache, or bought now. */
    const obtainQuote = async (provider: string): Promise<CascadeAnswer> => {
      const own = purchases.find((p) => p.kind === 'avm' && p.provider === provider && p.quote);
      if (own) return { quote: own.quote!, cents: own.cents };
      const cached = await ports.paid.quote(cacheKey, provider);
      if (cached && ownPurchase(cached.purchase)) {
        purchases.push({
          kind: 'avm',
          provider,
          cents: cached.purchase!.cents,
          at: cached.purchase!.at,
          quote: cached.answer,
        });
        return { quote: cached.answer, cents: cached.purchase!.cents };
      }
      if (cached?.fresh) return { quote: cached.answer, cached: true };
      const quote = await providers.valueFrom(provider, property, {
        onTimedOut: () => timedOut(avmPriceCents(prices, provider)),
      });
      const purchase = newPurchase(avmPriceCents(prices, provider));
      try {
        await ports.paid.saveQuote(cacheKey, quote, purchase);
      } catch (error) {
        throw new PurchaseNotRecordedError(`${provider} valuation of ${property.propertyId}`, { cause: error });
      }
      purchases.push({ kind: 'avm', provider, cents: purchase.cents, at: purchase.at, quote });
      return { quote, cents: purchase.cents };
    };

    /** risk and fraud alone buy nothing: the freshest stored value of any age, else the last appraisal. */
    const storedQuote = async (provider: string): Promise<CascadeAnswer> => {
      const cached = await ports.paid.quote(cacheKey, provider);
      if (!cached) throw new ProviderError({ provider, kind: 'no_value', message: 'no stored value' });
      return { quote: cached.answer, cached: true };
    };

    const obtainReview = async (request: FraudReviewRequest): Promise<AiReview> => {
      const reviewer = providers.reviewer;
      const own = purchases.find((p) => p.kind === 'review' && p.review);
      if (own) return own.review!;
      const cached = await ports.paid.review(cacheKey, reviewer, request);
      if (cached && ownPurchase(cached.purchase)) {
        purchases.push({
          kind: 'review',
          provider: reviewer,
          cents: cached.purchase!.cents,
          at: cached.purchase!.at,
          review: cached.answer,
        });
        return cached.answer;
      }
      if (cached?.fresh) return cached.answer;
      const review = await providers.review(request, { onTimedOut: () => timedOut(prices.review) });
      const purchase = newPurchase(prices.review);
      try {
        await ports.paid.saveReview(cacheKey, reviewer, request, review, purchase);
      } catch (error) {
        throw new PurchaseNotRecordedError(`AI review of ${property.propertyId}`, { cause: error });
      }
      purchases.push({ kind: 'review', provider: reviewer, cents: purchase.cents, at: purchase.at, review });
      return review;
    };

    try {
      let basis: ValueBasis | undefined;
      if (buysValuations(analysisType)) {
        const outcome = await valueByCascade(providers.cascade, {
          maxFsd: options.valuation.maxFsd,
          obtain: obtainQuote,
        });
        const choice = outcome.choice!;
        const paid = purchases.some((p) => p.kind === 'avm' && p.provider === choice.quote.provider);
        basis = quoteBasis(choice, paid ? 'avm' : 'cache', outcome.attempts);
        if (prior === undefined && ports.chaos.faultAfterValuation(property.propertyId))
          throw new TransientStorageError(`chaos: storage fault after the valuation of ${property.propertyId}`);
      } else {
        basis = await valueByCascade(providers.cascade, { maxFsd: options.valuation.maxFsd, obtain: storedQuote }).then(
          (outcome) => quoteBasis(outcome.choice!, 'cache', outcome.attempts),
          (error: unknown) => {
            if (error instanceof CascadeError) return appraisalBasis(property);
            throw error;
          },
        );
      }
      if (!includesFraud(analysisType))
        return analyzedProperty({ property, analysisType, basis, purchases, asOf }, options);
      const screening = fraudScreening(property, basis, asOf, options.fraud);
      const aiReview = needsAiReview(screening, options.fraud)
        ? await obtainReview({
            propertyId: property.propertyId,
            state: property.state,
            zip: property.zip,
            propertyType: property.propertyType,
            ...(basis && basis.source !== 'appraisal' && { currentValue: basis.estimatedValue }),
            rulesScore: screening.score,
            flags: screening.flags,
          })
        : undefined;
      return analyzedProperty({ property, analysisType, basis, purchases, screening, aiReview, asOf }, options);
    } catch (error) {
      if (error instanceof PurchaseNotRecordedError) throw error;
      return failedProperty(property, errorOf(error), purchases, prices);
    }
  };
}
