// The portfolio registry (DESIGN §2.7, §5): portfolios registered for the nightly revaluation. id =
// portfolioId, partition key /id. The property list itself lives in a blob (blob-staging.ts).
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { ANALYSIS_TYPES } from '../domain/schemas.ts';
import { parseStored } from './cosmos.ts';

export const portfolioDocumentSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  analysisType: z.enum(ANALYSIS_TYPES),
  /** Revalued by the nightly run. */
  nightly: z.boolean(),
  source: z.object({ kind: z.literal('blob'), blobName: z.string().min(1) }),
  propertyCount: z.number().int().nonnegative(),
  updatedAt: z.string(),
});
export type PortfolioDocument = z.infer<typeof portfolioDocumentSchema>;

export interface PortfoliosRepositoryOptions {
  container: Container;
}

export class PortfoliosRepository {
  readonly #container: Container;

  constructor(options: PortfoliosRepositoryOptions) {
    this.#container = options.container;
  }

  /** Registers or replaces the portfolio. */
  async put(portfolio: PortfolioDocument): Promise<PortfolioDocument> {
    const document = portfolioDocumentSchema.parse(portfolio);
    await this.#container.items.upsert(document);
    return document;
  }

  async get(portfolioId: string): Promise<PortfolioDocument | undefined> {
    const { resource, statusCode } = await this.#container
      .item(portfolioId, portfolioId)
      .read<Record<string, unknown>>();
    return statusCode === 404 || !resource
      ? undefined
      : parseStored(portfolioDocumentSchema, resource, `portfolios/${portfolioId}`);
  }

  /**
   * Every portfolio registered for the nightly run, by id. A cross-partition query: the registry is small
   * (one document per portfolio) and this runs once a night.
   */
  async listNightly(): Promise<PortfolioDocument[]> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>('SELECT * FROM c WHERE c.nightly = true')
      .fetchAll();
    return resources
      .map((r) => parseStored(portfolioDocumentSchema, r, `portfolios/${String(r.id)}`))
      .sort((a, b) => a.id.localeCompare(b.id));
  }
}
