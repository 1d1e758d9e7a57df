// Portfolio reports (DESIGN §2.5): one document per job, id = jobId, partition key /portfolioId, so a
// portfolio's reports (for "the previous report") are one single-partition query.
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { PortfolioReport } from '../domain/report.ts';
import { parseStored } from './cosmos.ts';

/**
 * The stored envelope. A writer may add fields (jobId, status, ...) and `report` may carry more than
 * PortfolioReport (highlights, findings, ...): documents are kept and returned as written.
 */
export interface ReportDocument<R extends PortfolioReport = PortfolioReport> {
  /** = jobId. */
  id: string;
  portfolioId: string;
  /** ISO date-time; reports of one portfolio are ordered by it. */
  createdAt: string;
  jobId?: string;
  status?: string;
  report: R;
}

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

  /** The portfolio's latest report created strictly before `createdAt` (ISO strings compare in time order). */
  async latestBefore(portfolioId: string, createdAt: string): Promise<D | undefined> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        {
          query:
            'SELECT TOP 1 * FROM c WHERE c.portfolioId = @portfolioId AND c.createdAt < @createdAt ORDER BY c.createdAt DESC',
          parameters: [
            { name: '@portfolioId', value: portfolioId },
            { name: '@createdAt', value: createdAt },
          ],
        },
        { partitionKey: portfolioId },
      )
      .fetchAll();
    const first = resources[0];
    return first === undefined ? undefined : this.#parse(first);
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
