import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidContinuationTokenError } from '../../../src/storage/errors.ts';
import type { StoredResult } from '../../../src/domain/results.ts';
import { ResultsRepository, type PageFilter } from '../../../src/storage/results-repository.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';
import { syntheticResults } from './results-data.ts';

let t: TestStorage;
let results: ResultsRepository;
const JOB = 'job-results';
const OTHER = 'job-other';
const all = syntheticResults(300);

beforeAll(async () => {
  t = await openTestStorage('results');
  results = t.storage.results;
  await results.upsertMany(JOB, 0, all.slice(0, 100));
  await results.upsertMany(JOB, 1, all.slice(100, 200));
  await results.upsertMany(JOB, 2, all.slice(200, 300));
  // Another job with the same property ids: every query must stay in its own partition.
  await results.upsertMany(OTHER, 0, syntheticResults(50));
});
afterAll(() => t?.cleanup());

async function readAllPages(
  jobId: string,
  filter: PageFilter,
  pageSize: number,
): Promise<{ items: StoredResult[]; pages: number }> {
  const items: StoredResult[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await results.page(jobId, { filter, pageSize, continuationToken: token });
    expect(page.items.length).toBeLessThanOrEqual(pageSize);
    items.push(...page.items);
    token = page.continuationToken;
    pages += 1;
  } while (token !== undefined && pages < 1000);
  return { items, pages };
}

describe('ResultsRepository', () => {
  it('stores each result under (jobId, propertyId) with its chunk index', async () => {
    const [first] = await results.getMany(JOB, ['P000150']);
    expect(first).toMatchObject({ id: 'P000150', propertyId: 'P000150', jobId: JOB, chunkIndex: 1 });
    expect(first).toEqual({ ...all[150], id: 'P000150', jobId: JOB, chunkIndex: 1 });
  });

  it('getMany returns the stored ones among the ids and skips unknown ids', async () => {
    const found = await results.getMany(JOB, ['P000001', 'P000299', 'nope', 'P000100']);
    expect(found.map((r) => r.propertyId).sort()).toEqual(['P000001', 'P000100', 'P000299']);
    expect(await results.getMany(JOB, [])).toEqual([]);
  });

  it('upsert is idempotent: rewriting a chunk leaves one document per property', async () => {
    const repo = new ResultsRepository({ container: t.storage.containers.results, writeMode: 'parallel' });
    await repo.upsertMany(JOB, 0, all.slice(0, 100));
    const { items } = await readAllPages(JOB, 'all', 1000);
    expect(items).toHaveLength(300);
    expect(new Set(items.map((r) => r.id)).size).toBe(300);
  });

  it('pages through a job with continuation tokens, every result exactly once', async () => {
    const { items, pages } = await readAllPages(JOB, 'all', 40);
    expect(pages).toBeGreaterThanOrEqual(8);
    expect(items.map((r) => r.id).sort()).toEqual(all.map((r) => r.propertyId).sort());
    expect(items.every((r) => r.jobId === JOB)).toBe(true);
  });

  it.each([
    ['failed', (r: StoredResult) => r.status === 'failed'],
    ['flagged', (r: StoredResult) => r.fraud?.flagged === true],
    ['tier-D', (r: StoredResult) => r.risk?.tier === 'D'],
    ['B', (r: StoredResult) => r.risk?.tier === 'B'],
  ] as const)('filters pages by %s', async (filter, predicate) => {
    const expected = all
      .filter((r) => predicate({ ...r, id: r.propertyId, jobId: JOB, chunkIndex: 0 }))
      .map((r) => r.propertyId)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const { items } = await readAllPages(JOB, filter, 25);
    expect(items.map((r) => r.id).sort()).toEqual(expected);
  });

  it('refuses a continuation token from another job or filter, or a forged one', async () => {
    const page = await results.page(JOB, { filter: 'all', pageSize: 10 });
    expect(page.continuationToken).toBeDefined();
    await expect(
      results.page(OTHER, { filter: 'all', continuationToken: page.continuationToken }),
    ).rejects.toBeInstanceOf(InvalidContinuationTokenError);
    await expect(
      results.page(JOB, { filter: 'failed', continuationToken: page.continuationToken }),
    ).rejects.toBeInstanceOf(InvalidContinuationTokenError);
    await expect(results.page(JOB, { continuationToken: 'garbage' })).rejects.toBeInstanceOf(
      InvalidContinuationTokenError,
    );
  });

  it('top largestDrops: the most negative changes first', async () => {
    const top = await results.top(JOB, 'largestDrops', 10);
    const expected = all
      .filter((r) => (r.valuation?.changePct ?? 0) < 0)
      .map((r) => r.valuation!.changePct!)
      .sort((a, b) => a - b)
      .slice(0, 10);
    expect(top.map((r) => r.valuation!.changePct)).toEqual(expected);
    expect(top.every((r) => r.jobId === JOB)).toBe(true);
  });

  it('top preDistressed: pre-distressed loans by LTV, highest first', async () => {
    const top = await results.top(JOB, 'preDistressed', 5);
    const expected = all
      .filter((r) => r.risk?.preDistressed)
      .map((r) => r.risk!.ltv!)
      .sort((a, b) => b - a)
      .slice(0, 5);
    expect(top).toHaveLength(5);
    expect(top.map((r) => r.risk!.ltv)).toEqual(expected);
    expect(top.every((r) => r.risk!.preDistressed)).toBe(true);
  });

  it('top highestFraud: highest scores first, never a zero score', async () => {
    const top = await results.top(JOB, 'highestFraud', 7);
    const expected = all
      .map((r) => r.fraud?.score ?? 0)
      .filter((s) => s > 0)
      .sort((a, b) => b - a)
      .slice(0, 7);
    expect(top.map((r) => r.fraud!.score)).toEqual(expected);
    expect(await results.top(JOB, 'highestFraud', 0)).toEqual([]);
    expect(await results.top('job-empty', 'highestFraud', 5)).toEqual([]);
  });

  // Speed per write mode is bench/storage.ts's business (npm run bench:storage); here, only what is stored.
  it.each(['batch', 'parallel', 'bulk'] as const)(
    'stores and reads back 1,000 results in %s mode',
    async (writeMode) => {
      const thousand = syntheticResults(1000, 10_000);
      const repo = new ResultsRepository({ container: t.storage.containers.results, writeMode });
      const jobId = `job-bulk-${writeMode}`;
      await repo.upsertMany(jobId, 0, thousand);
      const back = await repo.getMany(
        jobId,
        thousand.map((r) => r.propertyId),
      );
      expect(back.map((r) => r.propertyId).sort()).toEqual(thousand.map((r) => r.propertyId).sort());
    },
  );
});
