// The report as stored (reports container) and served (GET /api/portfolio/jobs/{id}/results): the envelope
// around the report of report.ts (which carries the job's final status, the top-N highlight lists (top-lists.ts),
// the like-for-like comparison with the portfolio's previous complete run and
// its findings), with where the job's per-property snapshot is. aggregateReport writes it; the API, the CLI and
// the stress route read it.
import { z } from 'zod';
import { portfolioReportSchema, reportStatusSchema } from './report.ts';

/** The stored document: id = jobId, partition key portfolioId (see src/storage/reports-repository.ts). */
export const storedReportSchema = z.object({
  id: z.string(),
  portfolioId: z.string(),
  jobId: z.string(),
  status: reportStatusSchema,
  /** ISO date-time of the analysis: a portfolio's runs are ordered by it ("the previous report"). */
  asOf: z.string(),
  /** ISO date-time the report was written. */
  createdAt: z.string(),
  /** The job's per-property snapshot (storage/snapshot-store.ts) and its record count. */
  snapshot: z.object({ blob: z.string(), records: z.number().int().nonnegative() }),
  report: portfolioReportSchema,
});
export type StoredReport = z.infer<typeof storedReportSchema>;
