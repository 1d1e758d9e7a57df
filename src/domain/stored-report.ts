// The report as stored (reports container) and served (GET /api/portfolio/jobs/{id}/results): the
// portfolio metrics of report.ts plus the job's final status, the top-N highlight lists read from the
// stored per-property results, the comparison with the portfolio's previous complete run, and the findings
// that raised an alert. aggregateReport writes it; the API and the CLI read it.
import type { PortfolioReport } from './report.ts';
import type { PropertyResult } from './results.ts';
import type { JobStatus } from './job-status.ts';
import type { Finding, TrendDelta } from './trend.ts';

/** The report's highlight lists, each the top N stored results of the job by its own ranking. */
export const TOP_KINDS = ['largestDrops', 'preDistressed', 'highestFraud'] as const;
export type TopKind = (typeof TOP_KINDS)[number];

/** The stored document: id = jobId, partition key portfolioId (see src/storage/reports-repository.ts). */
export interface StoredReport {
  id: string;
  portfolioId: string;
  jobId: string;
  status: JobStatus;
  /** ISO date-time the report was written. */
  createdAt: string;
  report: PortfolioReport & {
    status: JobStatus;
    highlights: Record<TopKind, PropertyResult[]>;
    /** Against the previous complete run; absent for a first, partial or cancelled run. */
    comparison?: TrendDelta | undefined;
    findings: Finding[];
  };
}
