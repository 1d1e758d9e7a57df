// aggregateReport (DESIGN §2.5): the portfolio report of a finished (or partially finished) job. Computes
// the metrics from the merged summary, adds the top-N lists from the stored results, stores the report,
// appends the portfolio's trend point, compares with the previous report and posts alerts for material
// findings, then marks the job document final.
import { finalizeReport, type ReportOptions } from '../domain/report.ts';
import type { PropertyResult } from '../domain/results.ts';
import { TOP_KINDS, type StoredReport, type TopKind } from '../domain/stored-report.ts';
import {
  compareReports,
  materialFindings,
  trendPointFor,
  type Finding,
  type MaterialityOptions,
  type TrendPoint,
} from '../domain/trend.ts';
import type { JobStatus } from '../domain/job-status.ts';
import type { AggregateReportInput } from '../workflow.ts';
import type { DataQuality } from '../domain/data-quality.ts';

/** What aggregateReport reads and writes; src/app.ts binds it to Cosmos and the alerts queue. */
export interface AggregateReportPorts {
  /** How the job's properties were read (kept on its job document), for the report's data-quality section. */
  dataQuality(jobId: string): Promise<DataQuality | undefined>;
  topResults(jobId: string, list: TopKind, n: number): Promise<PropertyResult[]>;
  previousReport(portfolioId: string, before: string): Promise<StoredReport | undefined>;
  saveReport(report: StoredReport): Promise<void>;
  appendTrend(portfolioId: string, jobId: string, point: TrendPoint): Promise<void>;
  sendAlert(alert: { portfolioId: string; jobId: string; findings: Finding[]; at: string }): Promise<void>;
  finishJob(
    jobId: string,
    patch: { status: JobStatus; endTime: string; error?: string | undefined; reportId: string },
  ): Promise<void>;
  reportOptions: Partial<ReportOptions>;
  materiality: MaterialityOptions;
  topN: number;
  now(): Date;
}

/**
 * Writes the job's report (id = jobId) and marks the job document final with `input.status`. Only a
 * completed run appends a trend point and is compared with the portfolio's previous report; material
 * changes go to the alerts queue. Idempotent on retry: the report is upserted under the same id. Throws
 * what its ports throw (storage errors), which fails the activity and lets the orchestration retry it.
 */
export async function aggregateReport(
  input: AggregateReportInput,
  ports: AggregateReportPorts,
): Promise<{ reportId: string; findings: number }> {
  const at = ports.now().toISOString();
  const metrics = finalizeReport(input.summary, {
    portfolioId: input.portfolioId,
    jobId: input.jobId,
    analysisType: input.analysisType,
    generatedAt: at,
    options: ports.reportOptions,
    dataQuality: await ports.dataQuality(input.jobId),
  });
  const [largestDrops, preDistressed, highestFraud] = await Promise.all(
    TOP_KINDS.map((list) => ports.topResults(input.jobId, list, ports.topN)),
  );
  // Only complete runs move the trend and raise alerts: a cancelled or partial run measures part of the book.
  const complete = input.status === 'completed';
  const previous = complete ? await ports.previousReport(input.portfolioId, at) : undefined;
  const comparison = previous ? compareReports(previous.report, metrics) : undefined;
  const findings = comparison ? materialFindings(comparison, ports.materiality) : [];
  const stored: StoredReport = {
    id: input.jobId,
    portfolioId: input.portfolioId,
    jobId: input.jobId,
    status: input.status,
    createdAt: at,
    report: {
      ...metrics,
      status: input.status,
      highlights: { largestDrops: largestDrops!, preDistressed: preDistressed!, highestFraud: highestFraud! },
      ...(comparison && { comparison }),
      findings,
    },
  };
  await ports.saveReport(stored);
  if (complete) await ports.appendTrend(input.portfolioId, input.jobId, trendPointFor(metrics));
  if (findings.length > 0) await ports.sendAlert({ portfolioId: input.portfolioId, jobId: input.jobId, findings, at });
  await ports.finishJob(input.jobId, {
    status: input.status,
    endTime: at,
    ...(input.error !== undefined && { error: input.error }),
    reportId: stored.id,
  });
  return { reportId: stored.id, findings: findings.length };
}
