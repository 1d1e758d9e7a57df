import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendPointFor } from '../../../src/domain/trend.ts';
import { finalizeReport, type PortfolioReport } from '../../../src/domain/report.ts';
import { summarizeResults } from '../../../src/domain/summary.ts';
import { samplePortfolio } from '../../unit/domain/property-results.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';

let t: TestStorage;
beforeAll(async () => {
  t = await openTestStorage('markers');
});
afterAll(() => t?.cleanup());

const reportAt = (portfolioId: string, jobId: string, generatedAt: string): PortfolioReport =>
  finalizeReport(summarizeResults(samplePortfolio()), {
    portfolioId,
    jobId,
    analysisType: 'comprehensive',
    generatedAt,
  });

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
  it('stores a report with extra fields as written and reads it by (portfolio, job)', async () => {
    const report = {
      ...reportAt('pf-r', 'job-1', '2025-06-01T02:00:00.000Z'),
      status: 'completed',
      highlights: { largestDrops: [] },
    };
    await t.storage.reports.save({
      id: 'job-1',
      portfolioId: 'pf-r',
      jobId: 'job-1',
      status: 'completed',
      createdAt: '2025-06-01T02:00:00.000Z',
      report,
    });
    const back = await t.storage.reports.get('pf-r', 'job-1');
    expect(back).toEqual({
      id: 'job-1',
      portfolioId: 'pf-r',
      jobId: 'job-1',
      status: 'completed',
      createdAt: '2025-06-01T02:00:00.000Z',
      report: JSON.parse(JSON.stringify(report)) as unknown,
    });
    expect(await t.storage.reports.get('pf-other', 'job-1')).toBeUndefined();
  });

  it('finds the latest report strictly before a time, in the same portfolio only', async () => {
    const reports = t.storage.reports;
    for (const [jobId, at] of [
      ['job-a', '2025-06-02T02:00:00.000Z'],
      ['job-c', '2025-06-04T02:00:00.000Z'],
      ['job-b', '2025-06-03T02:00:00.000Z'],
    ] as const) {
      await reports.save({ id: jobId, portfolioId: 'pf-l', createdAt: at, report: reportAt('pf-l', jobId, at) });
    }
    await reports.save({
      id: 'job-z',
      portfolioId: 'pf-elsewhere',
      createdAt: '2025-06-03T12:00:00.000Z',
      report: reportAt('pf-elsewhere', 'job-z', '2025-06-03T12:00:00.000Z'),
    });
    expect((await reports.latestBefore('pf-l', '2025-06-04T02:00:00.000Z'))?.id).toBe('job-b');
    expect((await reports.latestBefore('pf-l', '2025-06-09T00:00:00.000Z'))?.id).toBe('job-c');
    expect(await reports.latestBefore('pf-l', '2025-06-02T02:00:00.000Z')).toBeUndefined();
    expect(await reports.latestBefore('pf-none', '2030-01-01T00:00:00.000Z')).toBeUndefined();
  });
});

describe('TrendsRepository', () => {
  it('lists a portfolio’s points oldest first; a re-appended job replaces its point', async () => {
    const trends = t.storage.trends;
    const points = ['2025-06-03T02:00:00.000Z', '2025-06-01T02:00:00.000Z', '2025-06-02T02:00:00.000Z'].map((at, i) =>
      trendPointFor(reportAt('pf-t', `job-${i}`, at)),
    );
    for (const point of points) await trends.append('pf-t', point.jobId, point);
    await trends.append('pf-t', points[0]!.jobId, points[0]!);
    await trends.append('pf-u', 'job-x', trendPointFor(reportAt('pf-u', 'job-x', '2025-05-01T00:00:00.000Z')));
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
