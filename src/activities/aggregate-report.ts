// aggregateReport (DESIGN §2.5): the portfolio report of a finished (or partially finished) job. Merges the
// summaries its chunks stored (every pass included, so a retry pass or a redrive updates the report), builds
// the job's per-property snapshot from its chunks' parts, streams it once (joined with the previous complete
// report's snapshot) for the like-for-like comparison, AVM accuracy and stress scenarios, computes the
// metrics from the merged summary, reads the results it ranks best for the top-N lists, stores the report, appends
// the portfolio's trend point, posts alerts for material like-for-like findings, then marks the job final.
import {
  finalizeReport,
  reportOptionsSchema,
  reportStatusSchema,
  type ReportOptions,
  type ReportStatus,
} from '../domain/report.ts';
import { propertyResultSchema, type PropertyResult } from '../domain/results.ts';
import type { TierLimits } from '../domain/risk.ts';
import type { SnapshotRecord } from '../domain/snapshot.ts';
import { emptySummary, mergeAllSummaries, type ChunkSummary } from '../domain/summary.ts';
import { analyzeSnapshots, type PreviousSnapshot } from '../domain/snapshot-analysis.ts';
import type { StressScenario } from '../domain/schemas.ts';
import { trendPointFor, type TrendPoint } from '../domain/trend.ts';
import type { Finding } from '../domain/like-for-like.ts';
import type { StoredReport } from '../domain/stored-report.ts';
import { TOP_KINDS, TOP_N, type TopKind, type TopLists } from '../domain/top-lists.ts';
import type { Highlights } from '../domain/report.ts';
import type { JobStatus } from '../domain/job-status.ts';
import type { PreviousReport } from '../storage/reports-repository.ts';
import type { AggregateReportInput } from '../workflow.ts';
import type { DataQuality } from '../domain/data-quality.ts';

/** What aggregateReport reads and writes; src/app.ts binds it to Cosmos, the snapshot blobs and the alerts queue. */
export interface AggregateReportPorts {
  /** The summaries of the job's chunks, as each chunk's last run stored it. */
  chunkSummaries(jobId: string): AsyncIterable<ChunkSummary>;
  /**
   * Cents that may have been billed without an answer recorded, over every finished run of the job's chunks
   * (calls in flight when an attempt crashed, calls that timed out): the report's cost.unconfirmed.
   */
  unconfirmedCents(jobId: string): Promise<number>;
  /** How the job's properties were read (kept on its job document), for the report's data-quality section. */
  dataQuality(jobId: string): Promise<DataQuality | undefined>;
  /** The job's stored results among `propertyIds`, in any order; missing ones are left out. */
  resultsById(jobId: string, propertyIds: readonly string[]): Promise<PropertyResult[]>;
  /**
   * The n best stored results of a list, ranked by the store: only for jobs whose chunk summaries predate the
   * lists they now keep (an ORDER BY over every result of the job).
   */
  topResults(jobId: string, list: TopKind, n: number): Promise<PropertyResult[]>;
  /** Builds the job's snapshot from its parts; returns its blob name and record count. */
  buildSnapshot(jobId: string): Promise<{ blob: string; records: number }>;
  /** A job's snapshot, streamed in propertyId order; and whether it (still) exists. */
  readSnapshot(jobId: string): AsyncIterable<SnapshotRecord>;
  snapshotExists(jobId: string): Promise<boolean>;
  /** The portfolio's latest complete report analysed before `asOf`, other than `jobId`'s. */
  previousReport(portfolioId: string, asOf: string, jobId: string): Promise<PreviousReport | undefined>;
  saveReport(report: StoredReport): Promise<void>;
  appendTrend(portfolioId: string, jobId: string, point: TrendPoint): Promise<void>;
  sendAlert(alert: { portfolioId: string; jobId: string; findings: Finding[]; at: string }): Promise<void>;
  finishJob(
    jobId: string,
    patch: {
      status: JobStatus;
      endTime: string;
      error?: string | undefined;
      statusReason?: string | undefined;
      reportId: string;
    },
  ): Promise<void>;
  reportOptions: Partial<ReportOptions>;
  /** The report's stress scenarios when the request gave none, and the tier limits to re-tier with. */
  scenarios: readonly StressScenario[];
  tierLimits: TierLimits;
  now(): Date;
}

/**
 * The merge of `summaries`, a few hundred at a time: each merge copies its running total, so pairwise folds would not
 * scale.
 */
async function mergedSummary(summaries: AsyncIterable<ChunkSummary>): Promise<ChunkSummary> {
  let merged = emptySummary();
  let pending: ChunkSummary[] = [];
  for await (const summary of summaries) {
    pending.push(summary);
    if (pending.length === 256) {
      merged = mergeAllSummaries([merged, ...pending]);
      pending = [];
    }
  }
  return mergeAllSummaries([merged, ...pending]);
}

/**
 * The statuses a report can have: the job's final status (the root never reports a job still running, nor one whose
 * tape was rejected).
 */
function reportStatusOf(status: JobStatus): ReportStatus {
  const parsed = reportStatusSchema.safeParse(status);
  if (!parsed.success) throw new Error(`aggregateReport: a job ${status} has no report`);
  return parsed.data;
}

/** The previous run's snapshot to compare with, or why there is none. */
async function previousSnapshotOf(
  previous: PreviousReport | undefined,
  ports: Pick<AggregateReportPorts, 'readSnapshot' | 'snapshotExists'>,
): Promise<{ snapshot?: PreviousSnapshot; reason?: string }> {
  if (!previous) return { reason: 'no earlier complete report of this portfolio to compare with' };
  if (!previous.snapshot || !(await ports.snapshotExists(previous.id)))
    return {
      reason: `the previous complete report (job ${previous.id}) has no per-property snapshot to compare like for like`,
    };
  return {
    snapshot: {
      run: {
        jobId: previous.id,
        asOf: previous.asOf,
        generatedAt: previous.createdAt,
        ...(previous.analysisType !== undefined && { analysisType: previous.analysisType }),
      },
      records: ports.readSnapshot(previous.id),
    },
  };
}

/**
 * The report's highlight lists: the results the merged chunk summaries rank best, read by id, in list order. A
 * merge without lists (a chunk summary stored before chunks kept them) ranks the stored results instead. Throws
 * when a ranked result is not stored: the lists would be silently short.
 */
async function highlightsOf(
  jobId: string,
  top: TopLists | undefined,
  ports: Pick<AggregateReportPorts, 'resultsById' | 'topResults'>,
): Promise<Highlights> {
  const lists = await Promise.all(
    TOP_KINDS.map(async (kind) => {
      if (!top) return ports.topResults(jobId, kind, TOP_N);
      const ids = top[kind].map(([, id]) => id);
      const byId = new Map((await ports.resultsById(jobId, ids)).map((r) => [r.propertyId, r]));
      return ids.map((id) => {
        const result = byId.get(id);
        if (!result)
          throw new Error(`aggregateReport: the ${kind} list ranks ${id}, but job ${jobId} stores no result for it`);
        return result;
      });
    }),
  );
  // Stored results carry their storage keys (id, jobId, chunkIndex); the report lists the results alone.
  const [largestDrops, preDistressed, highestFraud] = lists.map((results) =>
    results.map((r) => propertyResultSchema.parse(r)),
  );
  return { largestDrops: largestDrops!, preDistressed: preDistressed!, highestFraud: highestFraud! };
}

/**
 * Writes the job's report (id = jobId) and marks the job document final with `input.status`. Only a
 * completed run appends a trend point and posts its like-for-like findings to the alerts queue. Idempotent on
 * retry: the snapshot is rebuilt from its parts and the report upserted under the same id. Throws what its
 * ports throw (storage errors), and an Error when a snapshot is not sorted by propertyId; either fails the
 * activity.
 */
export async function aggregateReport(
  input: AggregateReportInput,
  ports: AggregateReportPorts,
): Promise<{ reportId: string; findings: number; costCents: number }> {
  const at = ports.now().toISOString();
  const status = reportStatusOf(input.status);
  const options = reportOptionsSchema.parse(ports.reportOptions);
  const [summary, unconfirmedCents, built, previous] = await Promise.all([
    mergedSummary(ports.chunkSummaries(input.jobId)),
    ports.unconfirmedCents(input.jobId),
    ports.buildSnapshot(input.jobId),
    ports.previousReport(input.portfolioId, input.asOf, input.jobId),
  ]);
  const expected = summary.counts.properties;
  const whole = built.records === expected;
  const compareWith = whole
    ? await previousSnapshotOf(previous, ports)
    : { reason: `this run's per-property snapshot holds ${built.records} of its ${expected} results` };
  const snapshot = await analyzeSnapshots(ports.readSnapshot(input.jobId), compareWith.snapshot, {
    scenarios: input.stressScenarios ?? ports.scenarios,
    limits: ports.tierLimits,
    concentration: options.concentration,
  });
  const highlights = await highlightsOf(input.jobId, summary.top, ports);
  const report = finalizeReport(summary, {
    portfolioId: input.portfolioId,
    jobId: input.jobId,
    analysisType: input.analysisType,
    generatedAt: at,
    asOf: input.asOf,
    status,
    submitted: input.totalProperties,
    unconfirmedCents,
    snapshot,
    noComparisonReason: compareWith.reason,
    highlights,
    options,
    dataQuality: await ports.dataQuality(input.jobId),
  });
  if (!whole)
    report.notes.push(
      `Stress and AVM accuracy cover the ${snapshot.records} results in the snapshot, not all ${expected}.`,
    );
  // Only complete runs move the trend and raise alerts: a cancelled or partial run measures part of the book.
  const complete = status === 'completed';
  await ports.saveReport({
    id: input.jobId,
    portfolioId: input.portfolioId,
    jobId: input.jobId,
    status,
    asOf: input.asOf,
    createdAt: at,
    snapshot: { blob: built.blob, records: built.records },
    report,
  });
  if (complete) await ports.appendTrend(input.portfolioId, input.jobId, trendPointFor(report));
  if (complete && report.findings.length > 0)
    await ports.sendAlert({ portfolioId: input.portfolioId, jobId: input.jobId, findings: report.findings, at });
  await ports.finishJob(input.jobId, {
    status: input.status,
    endTime: at,
    ...(input.error !== undefined && { error: input.error }),
    ...(input.statusReason !== undefined && { statusReason: input.statusReason }),
    reportId: input.jobId,
  });
  return { reportId: input.jobId, findings: report.findings.length, costCents: summary.costCents.total };
}
