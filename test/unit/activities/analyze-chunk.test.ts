// analyzeChunk over in-memory ports: what a first attempt buys and stores, what a retry redoes (nothing
// already stored, no value bought twice), cache hits (never across propertyIds that share an address), the
// risk-only path, a provider failure on one property, and storage failures that must fail the attempt.
import { describe, expect, it } from 'vitest';
import { analyzeChunk } from '../../../src/activities/analyze-chunk.ts';
import type { PropertyResult } from '../../../src/domain/results.ts';
import type { AnalysisType, Property } from '../../../src/domain/schemas.ts';
import { CascadeError } from '../../../src/providers/cascade.ts';
import { generatePortfolio } from '../../../examples/portfolio.ts';
import { countingProviders, MemoryChunkStore } from './memory-ports.ts';

const JOB = 'job-unit';
const properties: Property[] = [...generatePortfolio({ size: 24 })].map((g) => g.property);
const asOf = '2026-11-01T00:00:00.000Z';
const input = (analysisType: AnalysisType = 'comprehensive', chunkIndex = 0) => ({
  jobId: JOB,
  chunkIndex,
  analysisType,
  asOf,
});
const cents = (results: readonly PropertyResult[]) => Math.round(results.reduce((s, r) => s + r.cost.total, 0) * 100);

function staged(): MemoryChunkStore {
  const store = new MemoryChunkStore();
  store.stage(JOB, [properties]);
  return store;
}

describe('analyzeChunk', () => {
  it('values, scores and stores every property of its chunk on a first attempt, buying each value once', async () => {
    const store = staged();
    const { providers, calls } = countingProviders();
    const output = await analyzeChunk(input(), store.ports(providers));

    const results = store.stored(JOB);
    expect(results.map((r) => r.propertyId).sort()).toEqual(properties.map((p) => p.propertyId).sort());
    expect(results.every((r) => r.status === 'analyzed' && r.valuation && r.risk && r.fraud)).toBe(true);
    expect(calls.value.sort()).toEqual(properties.map((p) => p.propertyId).sort());
    expect(store.cache.size).toBe(properties.length);
    expect([...store.cache.values()].every((c) => c.boughtByJob === JOB)).toBe(true);
    // Only properties the rules score high enough go to the AI reviewer, each once.
    const reviewed = results.filter((r) => r.fraud?.aiReview).map((r) => r.propertyId);
    expect(calls.review.sort()).toEqual(reviewed.sort());
    expect(output).toMatchObject({
      chunkIndex: 0,
      processed: properties.length,
      failed: 0,
      cached: 0,
      alreadyStored: 0,
      actualCents: cents(results),
    });
    expect(output.summary.counts).toMatchObject({ properties: properties.length, analyzed: properties.length });
    expect(store.completed.has(`${JOB}/0`)).toBe(true);
    // The chunk's part of the job's snapshot: one record per result, by propertyId.
    expect(
      store.snapshotParts
        .get(`${JOB}/0`)
        ?.map((r) => r.id)
        .sort(),
    ).toEqual(properties.map((p) => p.propertyId).sort());
  });

  it('on a retry, analyses only what the failed attempt did not store, and reports the whole chunk', async () => {
    const store = staged();
    const first = countingProviders();
    await analyzeChunk(input(), store.ports(first.providers));
    // The earlier attempt stored a third of the chunk, then died before it reported.
    const kept = store.stored(JOB).slice(0, 8);
    store.results.clear();
    store.store(JOB, kept);
    store.snapshotParts.clear();

    const retry = countingProviders();
    const output = await analyzeChunk(input(), store.ports(retry.providers));
    expect(retry.calls.value).toHaveLength(0); // every value is in the cache, bought by this job
    expect(output).toMatchObject({ processed: properties.length, alreadyStored: 8, failed: 0 });
    expect(store.stored(JOB)).toHaveLength(properties.length);
    // Values this job bought on the earlier attempt are still its purchase: billed, not a cache hit.
    expect(store.stored(JOB).every((r) => !r.cachedValuation && r.cost.valuation > 0)).toBe(true);
    expect(output.actualCents).toBe(cents(store.stored(JOB)));
    // The snapshot part is rewritten whole: the stored third and the rest.
    expect(store.snapshotParts.get(`${JOB}/0`)).toHaveLength(properties.length);
  });

  it('replays a value another job bought for free, and buys the rest', async () => {
    const store = staged();
    store.stage('job-earlier', [properties]);
    const warm = countingProviders();
    await analyzeChunk({ ...input(), jobId: 'job-earlier' }, store.ports(warm.providers));
    store.uncache(JOB, properties.slice(12));

    const { providers, calls } = countingProviders();
    const output = await analyzeChunk(input(), store.ports(providers));
    const byId = new Map(store.stored(JOB).map((r) => [r.propertyId, r]));
    expect(calls.value.sort()).toEqual(
      properties
        .slice(12)
        .map((p) => p.propertyId)
        .sort(),
    );
    for (const p of properties.slice(0, 12)) {
      expect(byId.get(p.propertyId)).toMatchObject({ cachedValuation: true, cost: { valuation: 0 } });
    }
    expect(output.cached).toBe(12);
  });

  it('buys no value for a risk analysis: the freshest cached value of any age, else the last appraisal', async () => {
    const store = staged();
    store.stage('job-earlier', [properties]);
    const warm = countingProviders();
    await analyzeChunk({ ...input('valuation'), jobId: 'job-earlier' }, store.ports(warm.providers));
    store.uncache(JOB, properties.slice(6));
    const expired = new Date('2027-06-01T00:00:00.000Z'); // long after the cached values' TTL

    const { providers, calls } = countingProviders();
    await analyzeChunk(input('risk'), store.ports(providers, { now: () => expired }));
    expect(calls.value).toHaveLength(0);
    expect(calls.review).toHaveLength(0);
    const results = store.stored(JOB);
    const sources = new Map(results.map((r) => [r.propertyId, r.valuation?.source]));
    for (const p of properties.slice(0, 6)) expect(sources.get(p.propertyId)).toBe('cache');
    for (const p of properties.slice(6)) expect(sources.get(p.propertyId)).not.toBe('avm');
    expect(results.every((r) => r.cost.valuation === 0 && r.cost.fraud === 0)).toBe(true);
  });

  it('buys a value for each propertyId of one address: rows the job shares an identity between share no value', async () => {
    const store = new MemoryChunkStore();
    const twin = { ...properties[0]!, propertyId: `${properties[0]!.propertyId}-twin` };
    store.stage(JOB, [[properties[0]!, twin]]);
    const { providers, calls } = countingProviders();
    await analyzeChunk(input(), store.ports(providers));
    expect(calls.value.sort()).toEqual([properties[0]!.propertyId, twin.propertyId].sort());
    expect(store.cache.size).toBe(2);
    expect(store.stored(JOB).every((r) => !r.cachedValuation)).toBe(true);
  });

  it('records a provider failure on that property alone, and the chunk succeeds', async () => {
    const store = staged();
    const unlucky = properties[5]!.propertyId;
    const { providers } = countingProviders((id) =>
      id === unlucky ? new CascadeError([{ provider: 'avm-primary', error: 'unavailable' }]) : undefined,
    );
    const output = await analyzeChunk(input(), store.ports(providers));
    const failed = store.stored(JOB).filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ propertyId: unlucky, error: { code: 'AVM_UNAVAILABLE' } });
    expect(output).toMatchObject({ processed: properties.length, failed: 1 });
  });

  it('fails the attempt when storage fails, having kept every bought value in the cache', async () => {
    const store = staged();
    const { providers } = countingProviders();
    const ports = store.ports(providers, {
      saveResults: () => Promise.reject(new Error('Cosmos unavailable')),
    });
    await expect(analyzeChunk(input(), ports)).rejects.toThrow('Cosmos unavailable');
    expect(store.cache.size).toBe(properties.length);
    expect(store.completed.size).toBe(0);
  });

  it('with the chaos switch, fails a first attempt after buying, and the retry buys nothing', async () => {
    const store = staged();
    const first = countingProviders();
    const chaos = { chaosFailFirstAttempt: true };
    await expect(analyzeChunk(input(), store.ports(first.providers, chaos))).rejects.toThrow(/chaos/);
    expect(store.stored(JOB)).toHaveLength(0);

    const retry = countingProviders();
    const output = await analyzeChunk(input(), store.ports(retry.providers, chaos));
    expect(retry.calls.value).toHaveLength(0);
    expect(output.processed).toBe(properties.length);
    expect(store.saves).toBe(1);
  });
});
