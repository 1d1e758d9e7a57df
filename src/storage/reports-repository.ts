// Portfolio reports (DESIGN §2.5): one document per job, id = jobId, partition key /portfolioId, so a
// portfolio's reports (for "the previous complete report") are one single-partition query.
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { PortfolioReport } from '../domain/report.ts';
import { ANALYSIS_TYPES } from '../domain/schemas.ts';
import { parseStored } from './cosmos.ts';

/**
 * The stored envelope. A writer may add fields (jobId, status, ...) and `report` may carry more than
 * PortfolioReport (highlights, findings, ...): documents are kept and returned as written.
 */
export interface ReportDocument<R extends PortfolioReport = PortfolioReport> {
  /** = jobId. */
  id: string;
  portfolioId: string;
  /** ISO date-time the report was written. */
  createdAt: string;
  /** ISO date-time of the analysis; a portfolio's runs are ordered by it. */
  asOf?: string;
  jobId?: string;
  status?: string;
  /** Where the report's per-property snapshot is (storage/snapshot-store.ts), and its record count. */
  snapshot?: { blob: string; records: number };
  report: R;
}

/** What the comparison needs of the previous report. */
export const previousReportSchema = z.object({
  id: z.string(),
  asOf: z.string(),
  createdAt: z.string(),
  snapshot: z.object({ blob: z.string(), records: z.number().int().nonnegative() }).optional(),
  analysisType: z.enum(ANALYSIS_TYPES).optional(),
});
export type PreviousReport = z.infer<typeof previousReportSchema>;

// Envelope check only: the report's own shape is the writer's (the schema would strip fields it does not list).
const envelopeSchema = z.looseObject({
  id: z.string(),
  portfolioId: z.string(),
  createdAt: z.string(),
  report: z.looseObject({ portfolioId: z.string(), jobId: z.string() }),
});

export interface ReportsRepositoryOptions {
  container: Container;
}

export class ReportsRepository<D extends ReportDocument = ReportDocument> {
  readonly #container: Container;

  constructor(options: ReportsRepositoryOptions) {
    this.#container = options.container;
  }

  /** Stores (or overwrites: a retried aggregateReport writes the same report) the job's report. */
  async save(document: D): Promise<void> {
    await this.#container.items.upsert(document);
  }

  async get(portfolioId: string, jobId: string): Promise<D | undefined> {
    const { resource, statusCode } = await this.#container.item(jobId, portfolioId).read<Record<string, unknown>>();
    return statusCode === 404 || !resource ? undefined : this.#parse(resource);
  }

  /**
   * The portfolio's latest completed report with an analysis date strictly before `asOf`, other than
   * `excludeJobId`'s own (a rerun of a job never compares with itself). Cancelled, budget-stopped and failed
   * runs measured part of the book and are never "the previous report".
   */
  async latestCompleteBefore(
    portfolioId: string,
    asOf: string,
    excludeJobId: string,
  ): Promise<PreviousReport | undefined> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        {
          query:
            "SELECT TOP 1 c.id, c.asOf, c.createdAt, c.snapshot, c.report.analysisType FROM c WHERE c.portfolioId = @portfolioId AND c.status = 'completed' AND c.asOf < @asOf AND c.id != @jobId ORDER BY c.asOf DESC",
          parameters: [
            { name: '@portfolioId', value: portfolioId },
            { name: '@asOf', value: asOf },
            { name: '@jobId', value: excludeJobId },
          ],
        },
        { partitionKey: portfolioId },
      )
      .fetchAll();
    const first = resources[0];
    return first === undefined
      ? undefined
      : parseStored(previousReportSchema, first, `reports/${portfolioId}/${String(first.id)}`);
  }

  #parse(resource: Record<string, unknown>): D {
    const { _rid, _self, _etag, _attachments, _ts, ...document } = parseStored(
      envelopeSchema,
      resource,
      `reports/${String(resource.portfolioId)}/${String(resource.id)}`,
    );
    return document as unknown as D;
  }
}
