// In-memory ports for analyzeChunk's unit tests: what src/app.ts binds to Cosmos, blobs and queues, kept
// in maps so a test can set up a retry or a cache hit and then read what the activity wrote. The providers
// are the real in-process simulator behind a counter (the AVM and the AI reviewer are the paid services).
import type { AnalyzeChunkPorts, CachedQuote } from '../../../src/activities/analyze-chunk.ts';
import { loadSettings } from '../../../src/config.ts';
import { sharedIdentities, valuationKey } from '../../../src/domain/identity.ts';
import type { PropertyResult } from '../../../src/domain/results.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import type { SnapshotRecord } from '../../../src/domain/snapshot.ts';
import { createProviderSet, type ProviderSet } from '../../../src/providers/provider-set.ts';

export const settings = loadSettings({});

/** The simulated providers, counting each paid call; `failFor` properties get the provider's error. */
export function countingProviders(failFor: (propertyId: string) => Error | undefined = () => undefined) {
  const real = createProviderSet(settings);
  const calls = { value: [] as string[], review: [] as string[] };
  const providers: ProviderSet = {
    async value(subject, maxFsd, signal) {
      calls.value.push(subject.propertyId);
      const failure = failFor(subject.propertyId);
      if (failure) throw failure;
      return real.value(subject, maxFsd, signal);
    },
    async review(request, signal) {
      calls.review.push(request.propertyId);
      return real.review(request, signal);
    },
  };
  return { providers, calls };
}

interface CacheEntry extends CachedQuote {
  expiresAt: Date;
}

/** Chunk blobs, chunk markers, stored results and the valuation cache of one test, in memory. */
export class MemoryChunkStore {
  readonly chunks = new Map<string, Property[]>();
  /** jobId -> the identities several of its propertyIds share (what submitJob stages beside the chunks). */
  readonly shared = new Map<string, Set<string>>();
  readonly started = new Set<string>();
  readonly completed = new Set<string>();
  /** jobId -> propertyId -> result. */
  readonly results = new Map<string, Map<string, PropertyResult>>();
  /** Valuation key (src/domain/identity.ts valuationKey) -> cached quote, as the real cache keys it. */
  readonly cache = new Map<string, CacheEntry>();
  /** `${jobId}/${chunkIndex}` -> the chunk's part of the job's per-property snapshot, as last written. */
  readonly snapshotParts = new Map<string, SnapshotRecord[]>();
  saves = 0;

  stage(jobId: string, chunks: Property[][]): void {
    chunks.forEach((properties, n) => this.chunks.set(`${jobId}/${n}`, properties));
    this.shared.set(jobId, sharedIdentities(chunks.flat()));
  }

  /** Drops the cached values of these properties of `jobId`, as if they had never been bought. */
  uncache(jobId: string, properties: readonly Property[]): void {
    const shared = this.shared.get(jobId) ?? new Set<string>();
    for (const p of properties) this.cache.delete(valuationKey(p, shared));
  }

  stored(jobId: string): PropertyResult[] {
    return [...(this.results.get(jobId)?.values() ?? [])];
  }

  store(jobId: string, results: readonly PropertyResult[]): void {
    const job = this.results.get(jobId) ?? new Map<string, PropertyResult>();
    for (const r of results) job.set(r.propertyId, r);
    this.results.set(jobId, job);
  }

  ports(providers: ProviderSet, overrides: Partial<AnalyzeChunkPorts> = {}): AnalyzeChunkPorts {
    const ttlMs = settings.pipeline.valuationCacheTtlHours * 3_600_000;
    return {
      readChunk: async (jobId, n) => {
        const chunk = this.chunks.get(`${jobId}/${n}`);
        if (!chunk) throw new Error(`no chunk ${jobId}/${n}`);
        return { properties: structuredClone(chunk), sharedIdentities: [...(this.shared.get(jobId) ?? [])] };
      },
      markChunkStarted: async (jobId, n) => {
        const key = `${jobId}/${n}`;
        const first = !this.started.has(key);
        this.started.add(key);
        return first;
      },
      markChunkCompleted: async (jobId, n) => {
        this.completed.add(`${jobId}/${n}`);
      },
      storedResults: async (jobId, ids) =>
        ids.flatMap((id) => {
          const r = this.results.get(jobId)?.get(id);
          return r ? [r] : [];
        }),
      saveResults: async (jobId, _n, results) => {
        this.saves++;
        this.store(jobId, results);
      },
      saveSnapshotPart: async (jobId, n, records) => {
        this.snapshotParts.set(`${jobId}/${n}`, [...records]);
      },
      cachedQuotes: async (keys, at, { includeExpired }) =>
        new Map(
          keys.flatMap((key) => {
            const entry = this.cache.get(key);
            return entry && (includeExpired || entry.expiresAt > at)
              ? [[key, { quote: entry.quote, boughtByJob: entry.boughtByJob }] as const]
              : [];
          }),
        ),
      cacheQuote: async (key, cached, at) => {
        this.cache.set(key, { ...cached, expiresAt: new Date(at.getTime() + ttlMs) });
      },
      providers,
      options: {
        valuation: settings.valuation,
        risk: settings.risk,
        fraud: settings.fraud,
        costRates: settings.costRates,
      },
      concurrency: 4,
      chaosFailFirstAttempt: false,
      now: () => new Date('2026-11-02T08:00:00.000Z'),
      ...overrides,
    };
  }
}
