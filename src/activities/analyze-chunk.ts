// analyzeChunk: the unit of I/O work (DESIGN §2.4). Reads its chunk blob, skips properties already stored
// for the job (a retried chunk redoes nothing), values the rest through the provider cascade (or the
// valuation cache), scores risk and fraud, asks the AI reviewer where the rules say so, writes the results
// in bulk and returns a compact ChunkSummary. One property's failure is recorded on that property and never
// fails the chunk.
import {
  analyzedProperty,
  buysValuations,
  failedProperty,
  fraudScreening,
  includesFraud,
  type AnalysisOptions,
} from '../domain/analysis.ts';
import { needsAiReview } from '../domain/fraud.ts';
import { valuationKey } from '../domain/identity.ts';
import type { AvmQuote, PropertyResult } from '../domain/results.ts';
import type { Property } from '../domain/schemas.ts';
import { snapshotRecordOf, type SnapshotRecord } from '../domain/snapshot.ts';
import { summarizeResults } from '../domain/summary.ts';
import { appraisalBasis, quoteBasis, type ValueBasis } from '../domain/valuation.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { CascadeError } from '../providers/cascade.ts';
import { ProviderError } from '../providers/errors.ts';
import type { ProviderSet } from '../providers/provider-set.ts';
import type { AnalyzeChunkInput, AnalyzeChunkOutput } from '../workflow.ts';

/** A cached quote and who paid for it: a job that bought the value itself still pays for it on a retry. */
export interface CachedQuote {
  quote: AvmQuote;
  boughtByJob: string;
}

/** What analyzeChunk reads and writes; src/app.ts binds it to Cosmos, blobs and the providers. */
export interface AnalyzeChunkPorts {
  /** The chunk's properties and the identities they share with other propertyIds of the job. */
  readChunk(jobId: string, chunkIndex: number): Promise<{ properties: Property[]; sharedIdentities: string[] }>;
  /** True on the chunk's first attempt; false when it ran before (then stored results are looked up). */
  markChunkStarted(jobId: string, chunkIndex: number): Promise<boolean>;
  markChunkCompleted(jobId: string, chunkIndex: number): Promise<void>;
  storedResults(jobId: string, propertyIds: readonly string[]): Promise<PropertyResult[]>;
  saveResults(jobId: string, chunkIndex: number, results: readonly PropertyResult[]): Promise<void>;
  /** Writes the chunk's part of the job's per-property snapshot (every result of the chunk). */
  saveSnapshotPart(jobId: string, chunkIndex: number, records: readonly SnapshotRecord[]): Promise<void>;
  /**
   * Cached quotes by valuation key (valuationKey): unexpired ones, or the freshest of any age with
   * `includeExpired`. Keys without one are absent.
   */
  cachedQuotes(
    cacheKeys: readonly string[],
    now: Date,
    options: { includeExpired: boolean },
  ): Promise<Map<string, CachedQuote>>;
  cacheQuote(cacheKey: string, cached: CachedQuote, now: Date): Promise<void>;
  providers: ProviderSet;
  options: AnalysisOptions;
  /** Properties valued at once within the chunk. */
  concurrency: number;
  /** Chaos testing: fail each chunk's first attempt after its values are bought and cached. */
  chaosFailFirstAttempt: boolean;
  now(): Date;
}

function errorOf(error: unknown): { code: string; message: string } {
  if (error instanceof CascadeError)
    return { code: error.kind === 'no_value' ? 'NO_AVM_VALUE' : 'AVM_UNAVAILABLE', message: error.message };
  if (error instanceof ProviderError) return { code: `PROVIDER_${error.kind.toUpperCase()}`, message: error.message };
  return { code: 'ANALYSIS_ERROR', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Analyses chunk `input.chunkIndex` of job `input.jobId`, writes its results and its part of the job's
 * per-property snapshot, and returns its summary with counts and cost in cents. A property's provider failure
 * is recorded on that property; storage errors (and the chaos switch) throw, failing the attempt, and the
 * retried attempt skips the properties the failed one stored (its snapshot part is appended again: the last
 * record of a property wins).
 */
export async function analyzeChunk(input: AnalyzeChunkInput, ports: AnalyzeChunkPorts): Promise<AnalyzeChunkOutput> {
  const { jobId, chunkIndex, analysisType } = input;
  const asOf = new Date(input.asOf);
  const { properties, sharedIdentities } = await ports.readChunk(jobId, chunkIndex);
  const firstAttempt = await ports.markChunkStarted(jobId, chunkIndex);
  const stored = firstAttempt
    ? []
    : await ports.storedResults(
        jobId,
        properties.map((p) => p.propertyId),
      );
  const done = new Set(stored.map((r) => r.propertyId));
  const todo = properties.filter((p) => !done.has(p.propertyId));
  const shared = new Set(sharedIdentities);
  const keys = new Map(todo.map((p) => [p.propertyId, valuationKey(p, shared)]));
  const cache = await ports.cachedQuotes([...keys.values()], ports.now(), {
    includeExpired: !buysValuations(analysisType),
  });

  const analyzeOne = async (property: Property): Promise<PropertyResult> => {
    let bought = false;
    try {
      const cacheKey = keys.get(property.propertyId) as string;
      const cached = cache.get(cacheKey);
      let basis: ValueBasis | undefined;
      if (cached) {
        // Replayed from the cache: free, unless this job bought it on an earlier attempt of this chunk.
        bought = cached.boughtByJob === jobId && buysValuations(analysisType);
        basis = quoteBasis(
          { quote: cached.quote, withinMaxFsd: cached.quote.fsd <= ports.options.valuation.maxFsd },
          bought ? 'avm' : 'cache',
        );
      } else if (buysValuations(analysisType)) {
        const outcome = await ports.providers.value(property, ports.options.valuation.maxFsd);
        const choice = outcome.choice!;
        bought = true;
        basis = quoteBasis(choice, 'avm', outcome.attempts);
        await ports.cacheQuote(cacheKey, { quote: choice.quote, boughtByJob: jobId }, ports.now());
      } else {
        basis = appraisalBasis(property);
      }
      if (!includesFraud(analysisType))
        return analyzedProperty({ property, analysisType, basis, boughtValuation: bought, asOf }, ports.options);
      const screening = fraudScreening(property, basis, asOf, ports.options.fraud);
      const aiReview = needsAiReview(screening, ports.options.fraud)
        ? await ports.providers.review({
            propertyId: property.propertyId,
            state: property.state,
            zip: property.zip,
            propertyType: property.propertyType,
            ...(basis && basis.source !== 'appraisal' && { currentValue: basis.estimatedValue }),
            rulesScore: screening.score,
            flags: screening.flags,
          })
        : undefined;
      return analyzedProperty(
        { property, analysisType, basis, boughtValuation: bought, screening, aiReview, asOf },
        ports.options,
      );
    } catch (error) {
      return failedProperty(property, errorOf(error), ports.options.costRates, bought);
    }
  };

  const fresh = await mapWithConcurrency(todo, ports.concurrency, analyzeOne);
  if (ports.chaosFailFirstAttempt && firstAttempt)
    throw new Error(`chaos: chunk ${chunkIndex} of ${jobId} fails its first attempt after buying its values`);
  await ports.saveResults(jobId, chunkIndex, fresh);
  const all = [...stored, ...fresh];
  await ports.saveSnapshotPart(jobId, chunkIndex, all.map(snapshotRecordOf));
  await ports.markChunkCompleted(jobId, chunkIndex);

  const summary = summarizeResults(all);
  // Counts and cost of this run only for properties analysed now; stored ones were counted by the attempt
  // that stored them, but that attempt never reported (it crashed), so report the whole chunk.
  return {
    chunkIndex,
    summary,
    processed: all.length,
    failed: summary.counts.failed,
    cached: summary.counts.cachedValuations,
    actualCents: summary.costCents.total,
    alreadyStored: stored.length,
  };
}
