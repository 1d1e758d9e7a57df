import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  it('tells a first attempt from a retry and records completion', async () => {
    const markers = t.storage.chunkMarkers;
    expect(await markers.markStarted('job-m', 0)).toBe(true);
    expect(await markers.markStarted('job-m', 1)).toBe(true);
    expect(await markers.markStarted('job-m', 0)).toBe(false);
    expect(await markers.markStarted('job-other', 0)).toBe(true); // same chunk index, another job
    expect(await markers.get('job-m', 0)).toMatchObject({ id: 'chunk-0', jobId: 'job-m', chunkIndex: 0, attempt: 2 });
    expect((await markers.get('job-m', 0))?.completedAt).toBeUndefined();
    await markers.markCompleted('job-m', 0);
    expect((await markers.get('job-m', 0))?.completedAt).toEqual(expect.any(String));
    expect(await markers.get('job-m', 7)).toBeUndefined();
  });

  it('lets exactly one of concurrent first attempts win', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => t.storage.chunkMarkers.markStarted('job-race', 3)),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
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
