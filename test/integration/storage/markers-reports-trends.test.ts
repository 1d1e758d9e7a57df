import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeResults } from '../../../src/domain/summary.ts';
import { trendPointFor } from '../../../src/domain/trend.ts';
import type { PortfolioReport } from '../../../src/domain/report.ts';
import { samplePortfolio } from '../../unit/domain/property-results.ts';
import { reportOf } from '../../unit/domain/report-fixtures.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';

let t: TestStorage;
beforeAll(async () => {
  t = await openTestStorage('markers');
});
afterAll(() => t?.cleanup());

const reportAt = (portfolioId: string, jobId: string, generatedAt: string): Promise<PortfolioReport> =>
  reportOf(samplePortfolio(), { portfolioId, jobId, generatedAt, asOf: generatedAt });

describe('ChunkMarkersRepository', () => {
  const run = (key: string, processed: number, failed: number) => ({
    key,
    at: '2025-06-01T02:00:00.000Z',
    counts: { processed, failed, transient: failed, cached: 0, left: 100 - processed },
    costCents: processed * 8,
    delta: { processed, failed, transient: failed, cached: 0, cents: processed * 8, unconfirmedCents: 0 },
    deferred: 0,
    summary: summarizeResults(samplePortfolio().slice(0, 3)),
  });

  it('records attempts, what a finished run left, and whether an attempt is still in flight', async () => {
    const markers = t.storage.chunkMarkers;
    expect(await markers.begin('job-m', 0, 'k0')).toBeUndefined();
    expect(await markers.get('job-m', 0)).toMatchObject({ chunkIndex: 0, attempts: 1, inFlight: 'k0' });
    // A second attempt of the same reservation sees that the first died in flight.
    expect(await markers.begin('job-m', 0, 'k0')).toMatchObject({ attempts: 1, inFlight: 'k0' });
    await markers.finish('job-m', 0, run('k0', 90, 4));
    const finished = await markers.get('job-m', 0);
    expect(finished).toMatchObject({ attempts: 2, completed: { key: 'k0', counts: { processed: 90 } } });
    expect(finished?.inFlight).toBeUndefined();
    // The finished reservation asked again: nothing recorded, the run is answered as it was.
    expect(await markers.begin('job-m', 0, 'k0')).toMatchObject({ attempts: 2, completed: { key: 'k0' } });
    expect((await markers.get('job-m', 0))?.attempts).toBe(2);
    // A clean failure releases the in-flight mark.
    await markers.begin('job-m', 1, 'k1');
    await markers.release('job-m', 1);
    expect((await markers.get('job-m', 1))?.inFlight).toBeUndefined();
    expect(await markers.get('job-m', 7)).toBeUndefined();
  });

  it("lists a job's chunk counts and streams its summaries, no other job's", async () => {
    const markers = t.storage.chunkMarkers;
    await markers.finish('job-list', 0, run('a', 100, 0));
    await markers.finish('job-list', 2, run('b', 60, 3));
    await markers.begin('job-list', 3, 'c'); // started, never finished
    await markers.finish('job-elsewhere', 0, run('x', 100, 0));
    const counts = (await markers.counts('job-list')).sort((a, b) => a.chunkIndex - b.chunkIndex);
    expect(counts).toEqual([
      { chunkIndex: 0, counts: run('a', 100, 0).counts, costCents: 800 },
      { chunkIndex: 2, counts: run('b', 60, 3).counts, costCents: 480 },
      { chunkIndex: 3 },
    ]);
    const summaries = [];
    for await (const summary of markers.summaries('job-list')) summaries.push(summary);
    expect(summaries).toHaveLength(2);
    expect(summaries[0]?.counts.properties).toBe(3);
  });
});

describe('ChunkMarkersRepository.unconfirmedCents', () => {
  it("sums the job's finished chunks' unconfirmed cents, a marker written before they were kept counting its last run's", async () => {
    const markers = t.storage.chunkMarkers;
    const base = {
      at: '2025-06-01T02:00:00.000Z',
      counts: { processed: 3, failed: 0, transient: 0, cached: 0, left: 0 },
      costCents: 24,
      deferred: 0,
      summary: summarizeResults(samplePortfolio().slice(0, 3)),
    };
    const delta = (unconfirmedCents: number) => ({
      processed: 3,
      failed: 0,
      transient: 0,
      cached: 0,
      cents: 24,
      unconfirmedCents,
    });
    await markers.finish('job-u', 0, { ...base, key: 'a', delta: delta(2), unconfirmedCents: 7 });
    await markers.finish('job-u', 1, { ...base, key: 'b', delta: delta(5) }); // an older marker: its last run's 5
    await markers.begin('job-u', 2, 'c'); // started, never finished
    await markers.finish('job-other', 0, { ...base, key: 'x', delta: delta(9), unconfirmedCents: 9 });
    expect(await markers.unconfirmedCents('job-u')).toBe(12);
    expect(await markers.unconfirmedCents('job-none')).toBe(0);
  });
});

describe('ReportsRepository', () => {
  it('stores a report as written and reads it by (portfolio, job)', async () => {
    const report = await reportAt('pf-r', 'job-1', '2025-06-01T02:00:00.000Z');
    const document = {
      id: 'job-1',
      portfolioId: 'pf-r',
      jobId: 'job-1',
      status: 'completed',
      asOf: '2025-06-01T01:00:00.000Z',
      createdAt: '2025-06-01T02:00:00.000Z',
      snapshot: { blob: 'jobs/job-1/snapshot.ndjson', records: 6 },
      report,
    };
    await t.storage.reports.save(document);
    expect(await t.storage.reports.get('pf-r', 'job-1')).toEqual(JSON.parse(JSON.stringify(document)));
    expect(await t.storage.reports.get('pf-other', 'job-1')).toBeUndefined();
  });

  it('finds the latest complete report analysed strictly before a time, in the portfolio, never the job itself', async () => {
    const reports = t.storage.reports;
    const save = async (portfolioId: string, jobId: string, asOf: string, status = 'completed') =>
      reports.save({
        id: jobId,
        portfolioId,
        jobId,
        status,
        asOf,
        createdAt: '2025-07-01T00:00:00.000Z', // written in another order than analysed
        report: await reportAt(portfolioId, jobId, asOf),
      });
    await save('pf-l', 'job-a', '2025-06-02T02:00:00.000Z');
    await save('pf-l', 'job-c', '2025-06-04T02:00:00.000Z');
    await save('pf-l', 'job-b', '2025-06-03T02:00:00.000Z');
    await save('pf-l', 'job-x', '2025-06-03T12:00:00.000Z', 'cancelled');
    await save('pf-elsewhere', 'job-z', '2025-06-03T12:00:00.000Z');
    const previous = (asOf: string, jobId = 'job-new', portfolioId = 'pf-l') =>
      reports.latestCompleteBefore(portfolioId, asOf, jobId).then((r) => r?.id);
    expect(await previous('2025-06-04T02:00:00.000Z')).toBe('job-b'); // strictly before; not the cancelled job-x
    expect(await previous('2025-06-09T00:00:00.000Z')).toBe('job-c');
    expect(await previous('2025-06-09T00:00:00.000Z', 'job-c')).toBe('job-b'); // a rerun of job-c
    expect(await previous('2025-06-02T02:00:00.000Z')).toBeUndefined();
    expect(await previous('2030-01-01T00:00:00.000Z', 'job-new', 'pf-none')).toBeUndefined();
    expect(await reports.latestCompleteBefore('pf-l', '2025-06-09T00:00:00.000Z', 'job-new')).toEqual({
      id: 'job-c',
      asOf: '2025-06-04T02:00:00.000Z',
      createdAt: '2025-07-01T00:00:00.000Z',
      analysisType: 'comprehensive', // the comparison names the previous run's type
    });
  });
});

describe('TrendsRepository', () => {
  it('lists a portfolio’s points oldest first; a re-appended job replaces its point', async () => {
    const trends = t.storage.trends;
    const points = await Promise.all(
      ['2025-06-03T02:00:00.000Z', '2025-06-01T02:00:00.000Z', '2025-06-02T02:00:00.000Z'].map(async (at, i) =>
        trendPointFor(await reportAt('pf-t', `job-${i}`, at)),
      ),
    );
    for (const point of points) await trends.append('pf-t', point.jobId, point);
    await trends.append('pf-t', points[0]!.jobId, points[0]!);
    await trends.append('pf-u', 'job-x', trendPointFor(await reportAt('pf-u', 'job-x', '2025-05-01T00:00:00.000Z')));
    const listed = await trends.list('pf-t');
    expect(listed.map((p) => p.generatedAt)).toEqual([
      '2025-06-01T02:00:00.000Z',
      '2025-06-02T02:00:00.000Z',
      '2025-06-03T02:00:00.000Z',
    ]);
    expect(listed[0]).toEqual(points[1]);
    expect(await trends.list('pf-none')).toEqual([]);
  });
});
