// A portfolio's trend (DESIGN §4 market monitoring): one point per completed run, id = jobId (a retried
// append overwrites), partition key /portfolioId, listed in time order.
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { trendPointSchema, type TrendPoint } from '../domain/trend.ts';
import { parseStored } from './cosmos.ts';

export const trendDocumentSchema = z.object({
  /** = jobId. */
  id: z.string(),
  portfolioId: z.string(),
  /** ISO date-time of the point (the report's generatedAt). */
  at: z.string(),
  point: trendPointSchema,
});
export type TrendDocument = z.infer<typeof trendDocumentSchema>;

export interface TrendsRepositoryOptions {
  container: Container;
}

export class TrendsRepository {
  readonly #container: Container;

  constructor(options: TrendsRepositoryOptions) {
    this.#container = options.container;
  }

  async append(portfolioId: string, jobId: string, point: TrendPoint): Promise<TrendDocument> {
    const document: TrendDocument = { id: jobId, portfolioId, at: point.generatedAt, point };
    await this.#container.items.upsert(document);
    return document;
  }

  /**
   * The portfolio's points, oldest first (ordered in code: a portfolio has one point per run, a few hundred at most).
   */
  async list(portfolioId: string): Promise<TrendPoint[]> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        {
          query: 'SELECT * FROM c WHERE c.portfolioId = @portfolioId',
          parameters: [{ name: '@portfolioId', value: portfolioId }],
        },
        { partitionKey: portfolioId },
      )
      .fetchAll();
    return resources
      .map((r) => parseStored(trendDocumentSchema, r, `trends/${portfolioId}/${String(r.id)}`))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id.localeCompare(b.id)))
      .map((d) => d.point);
  }
}
