// aggregateReport with in-memory ports: which report it compares with, what it stores, when it alerts.
import { describe, expect, it } from 'vitest';
import { aggregateReport, type AggregateReportPorts } from '../../../src/activities/aggregate-report.ts';
import type { DataQuality } from '../../../src/domain/data-quality.ts';
import type { JobStatus } from '../../../src/domain/job-status.ts';
import type { StoredReport } from '../../../src/domain/stored-report.ts';
import type { Finding } from '../../../src/domain/like-for-like.ts';
import type { PropertyResult } from '../../../src/domain/results.ts';
import { riskOptionsSchema, tierLimitsOf } from '../../../src/domain/risk.ts';
import { DEFAULT_SCENARIOS } from '../../../src/domain/stress.ts';
import { summarizeResults } from '../../../src/domain/summary.ts';
import type { PreviousReport } from '../../../src/storage/reports-repository.ts';
import type { AggregateReportInput } from '../../../src/workflow.ts';
import { analyzedResult } from '../domain/property-results.ts';
import { recordsOf, streamOf } from '../domain/report-fixtures.ts';

interface World {
  snapshots: Map<string, PropertyResult[]>;
  /** The results the job's chunk summaries count, when they differ from its snapshot. */
  counted: Map<string, PropertyResult[]>;
  /** Cents of the job's chunk runs that may have been billed without an answer recorded. */
  unconfirmed: Map<string, number>;
  previous?: PreviousReport;
  saved: StoredReport[];
  alerts: Finding[][];
  trends: string[];
  asked: Array<[string, string, string]>;
  /** The lists the store was asked to rank (only for summaries stored without lists). */
  ranked: string[];
  /** Results that are not stored, though summaries count them. */
  lost: Set<string>;
}

function portsOf(world: World): AggregateReportPorts {
  return {
    chunkSummaries: (jobId) =>
      streamOf([summarizeResults(world.counted.get(jobId) ?? world.snapshots.get(jobId) ?? [])]),
    unconfirmedCents: async (jobId) => world.unconfirmed.get(jobId) ?? 0,
    dataQuality: async () => undefined,
    resultsById: async (jobId, ids) =>
      (world.snapshots.get(jobId) ?? []).filter((r) => ids.includes(r.propertyId) && !world.lost.has(r.propertyId)),
    topResults: async (_, list) => {
      world.ranked.push(list);
      return [];
    },
    buildSnapshot: async (jobId) => ({
      blob: `jobs/${jobId}/snapshot.ndjson`,
      records: world.snapshots.get(jobId)!.length,
    }),
    readSnapshot: (jobId) => streamOf(recordsOf(world.snapshots.get(jobId) ?? [])),
    snapshotExists: async (jobId) => world.snapshots.has(jobId),
    previousReport: async (portfolioId, asOf, jobId) => {
      world.asked.push([portfolioId, asOf, jobId]);
      return world.previous;
    },
    saveReport: async (report) => void world.saved.push(report),
    appendTrend: async (_, jobId) => void world.trends.push(jobId),
    sendAlert: async (alert) => void world.alerts.push(alert.findings),
    finishJob: async () => undefined,
    reportOptions: {},
    scenarios: DEFAULT_SCENARIOS,
    tierLimits: tierLimitsOf(riskOptionsSchema.parse({})),
    now: () => new Date('2026-11-02T03:00:00.000Z'),
  };
}

const loan = (id: string, balance: number) => analyzedResult({ id, value: 100_000, loan: { balance } });
const input = (jobId: string, status: JobStatus = 'completed'): AggregateReportInput => ({
  jobId,
  portfolioId: 'book',
  analysisType: 'risk',
  status,
  totalProperties: 10,
  asOf: '2026-11-02T02:00:00.000Z',
});
const previousJob: PreviousReport = {
  id: 'job-1',
  asOf: '2026-11-01T02:00:00.000Z',
  createdAt: '2026-11-01T02:10:00.000Z',
  snapshot: { blob: 'jobs/job-1/snapshot.ndjson', records: 2 },
};

function world(overrides: Partial<World> = {}): World {
  return {
    snapshots: new Map(),
    counted: new Map(),
    unconfirmed: new Map(),
    saved: [],
    alerts: [],
    trends: [],
    asked: [],
    ranked: [],
    lost: new Set(),
    ...overrides,
  };
}

describe('aggregateReport', () => {
  it('asks for the previous complete report before its own analysis date, excluding itself, and alerts on like-for-like findings', async () => {
    const w = world({ previous: previousJob });
    w.snapshots.set('job-1', [loan('P1', 50_000), loan('P2', 50_000)]);
    w.snapshots.set('job-2', [loan('P1', 50_000), loan('P2', 95_000), loan('P3', 99_000)]);
    const outcome = await aggregateReport(input('job-2'), portsOf(w));
    expect(w.asked).toEqual([['book', '2026-11-02T02:00:00.000Z', 'job-2']]);
    const [stored] = w.saved;
    expect(stored).toMatchObject({
      id: 'job-2',
      status: 'completed',
      asOf: '2026-11-02T02:00:00.000Z',
      snapshot: { blob: 'jobs/job-2/snapshot.ndjson', records: 3 },
    });
    // P2 became pre-distressed; P3 is new and counts apart.
    expect(stored!.report.comparison).toMatchObject({ available: true, population: { matched: 2, added: 1 } });
    expect(w.alerts).toEqual([stored!.report.findings]);
    expect(stored!.report.findings.map((f) => f.code)).toContain('PRE_DISTRESSED_RISE');
    expect(outcome).toEqual({
      reportId: 'job-2',
      findings: stored!.report.findings.length,
      costCents: summarizeResults(w.snapshots.get('job-2')!).costCents.total,
    });
    expect(w.trends).toEqual(['job-2']);
  });

  it('neither alerts nor moves the trend for a partial run, and says what it covers', async () => {
    const w = world({ previous: previousJob });
    w.snapshots.set('job-1', [loan('P1', 50_000), loan('P2', 50_000)]);
    w.snapshots.set('job-3', [loan('P1', 99_000)]);
    await aggregateReport(input('job-3', 'cancelled'), portsOf(w));
    const report = w.saved[0]!.report;
    expect(report.findings.length).toBeGreaterThan(0);
    expect(w.alerts).toEqual([]);
    expect(w.trends).toEqual([]);
    expect(report.completeness).toMatchObject({ complete: false, processed: 1, submitted: 10 });
  });

  it('says why there is no comparison: a previous report without a snapshot, or a snapshot short of results', async () => {
    const noSnapshot = {
      available: false,
      reason: 'the previous complete report (job job-1) has no per-property snapshot to compare like for like',
    };
    const w = world({ previous: { ...previousJob, snapshot: undefined } });
    w.snapshots.set('job-4', [loan('P1', 50_000)]);
    await aggregateReport(input('job-4'), portsOf(w));
    expect(w.saved[0]!.report.comparison).toEqual(noSnapshot);

    // The report names a snapshot, but its blob is gone.
    const gone = world({ previous: previousJob });
    gone.snapshots.set('job-6', [loan('P1', 50_000)]);
    await aggregateReport(input('job-6'), portsOf(gone));
    expect(gone.saved[0]!.report.comparison).toEqual(noSnapshot);

    // A part went missing: the snapshot holds P1 only, the merged summary counted P1 and P2.
    const short = world({ previous: previousJob });
    short.snapshots.set('job-1', []);
    short.snapshots.set('job-5', [loan('P1', 50_000)]);
    short.counted.set('job-5', [loan('P1', 50_000), loan('P2', 50_000)]);
    await aggregateReport(input('job-5'), portsOf(short));
    const report = short.saved[0]!.report;
    expect(report.comparison).toEqual({
      available: false,
      reason: "this run's per-property snapshot holds 1 of its 2 results",
    });
    expect(report.notes.at(-1)).toBe('Stress and AVM accuracy cover the 1 results in the snapshot, not all 2.');
    expect(short.alerts).toEqual([]);
  });

  describe('highlight lists', () => {
    // 12 loans whose value fell from 100,000 by 1%..12%; the four deepest falls are pre-distressed (LTV > 0.9).
    const fallen = Array.from({ length: 12 }, (_, i) =>
      analyzedResult({
        id: `F${String(i + 1).padStart(2, '0')}`,
        value: 100_000 - (i + 1) * 1_000,
        lastAppraisedValue: 100_000,
        loan: { balance: 82_000 },
        fraud: { score: (i % 4) * 10 },
      }),
    );
    /** The ports with one chunk summary per three results, as a job of four chunks stores them. */
    const chunked = (w: World, keepLists = true): AggregateReportPorts => ({
      ...portsOf(w),
      chunkSummaries: () =>
        streamOf(
          [0, 3, 6, 9].map((at) => {
            const { top, ...summary } = summarizeResults(fallen.slice(at, at + 3));
            return keepLists ? { ...summary, top } : summary;
          }),
        ),
    });
    const idsOf = (results: readonly PropertyResult[]) => results.map((r) => r.propertyId);

    it('lists the results the chunk summaries rank best, read by id, without asking the store to rank', async () => {
      const w = world();
      w.snapshots.set('job-top', fallen);
      await aggregateReport(input('job-top'), chunked(w));
      const { highlights } = w.saved[0]!.report;
      expect(idsOf(highlights.largestDrops)).toEqual([
        'F12',
        'F11',
        'F10',
        'F09',
        'F08',
        'F07',
        'F06',
        'F05',
        'F04',
        'F03',
      ]);
      expect(idsOf(highlights.preDistressed)).toEqual(['F12', 'F11', 'F10', 'F09']);
      // Scores 30, 20, 10 (ties by propertyId); a score of 0 is not listed.
      expect(idsOf(highlights.highestFraud)).toEqual(['F04', 'F08', 'F12', 'F03', 'F07', 'F11', 'F02', 'F06', 'F10']);
      expect(highlights.largestDrops[0]).toEqual(fallen[11]);
      expect(w.ranked).toEqual([]);
    });

    it('asks the store to rank when a chunk summary was stored without lists', async () => {
      const w = world();
      w.snapshots.set('job-old', fallen);
      await aggregateReport(input('job-old'), chunked(w, false));
      expect(w.ranked).toEqual(['largestDrops', 'preDistressed', 'highestFraud']);
    });

    it('fails rather than report a list short of a result it ranks', async () => {
      const w = world({ lost: new Set(['F11']) });
      w.snapshots.set('job-lost', fallen);
      await expect(aggregateReport(input('job-lost'), chunked(w))).rejects.toThrow(
        'the largestDrops list ranks F11, but job job-lost stores no result for it',
      );
      expect(w.saved).toEqual([]);
    });
  });

  it("reports the job's unconfirmed cents apart from the bill, in dollars", async () => {
    const w = world();
    w.snapshots.set('job-slow', [loan('P1', 50_000)]);
    w.unconfirmed.set('job-slow', 1_207);
    await aggregateReport(input('job-slow'), portsOf(w));
    const { cost } = w.saved[0]!.report;
    expect(cost).toMatchObject({
      unconfirmed: 12.07,
      total: summarizeResults(w.snapshots.get('job-slow')!).costCents.total / 100,
    });
  });

  it("carries how the job's properties were read into its report; a registered portfolio's run has none", async () => {
    const dataQuality: DataQuality = {
      format: { kind: 'csv', encoding: 'utf-8', separator: ',' },
      invalidRows: 'skip',
      rows: 3,
      accepted: 2,
      skipped: 1,
      skippedRows: [{ at: 'row 3', row: 3, reasons: [{ path: 'row 3, column zip', message: 'bad', code: 'VALUE' }] }],
      warnings: [],
    };
    const w = world();
    w.snapshots.set('job-read', [loan('P1', 50_000)]);
    w.snapshots.set('job-nightly', [loan('P1', 50_000)]);
    const ports = {
      ...portsOf(w),
      dataQuality: async (jobId: string) => (jobId === 'job-read' ? dataQuality : undefined),
    };
    await aggregateReport(input('job-read'), ports);
    await aggregateReport(input('job-nightly'), ports);
    expect(w.saved.map((r) => r.report.dataQuality)).toEqual([dataQuality, undefined]);
    expect(w.saved[1]!.report).not.toHaveProperty('dataQuality');
  });
});
