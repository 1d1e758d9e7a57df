// The cross-job valuation cache (DESIGN §3): an AVM answer bought once is replayed for the same property
// until it expires (default 24 h), so re-running a portfolio buys no valuation twice.
//
// Partition key /cacheKey = the property's valuation key (src/domain/identity.ts: normalised street address,
// unit and ZIP5, plus the propertyId where that identity could stand for several properties); id = the
// provider that answered, so one key holds at most one quote per provider and every lookup is a point read.
// Expiry is checked in code on every read: the local Cosmos server stores `ttl` but never enforces it.
// `ttl` (seconds) is still written so Azure Cosmos DB deletes expired entries (the container has defaultTtl -1).
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { avmQuoteSchema, type AvmQuote } from '../domain/results.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { parseStored } from './cosmos.ts';

export const valuationCacheEntrySchema = z.object({
  /** = provider. */
  id: z.string(),
  cacheKey: z.string(),
  provider: z.string(),
  quote: avmQuoteSchema,
  /** The job that paid for the quote (its own retries still count the cost). */
  boughtByJob: z.string().optional(),
  cachedAt: z.string(),
  expiresAt: z.string(),
  ttl: z.number().int().positive().optional(),
});
export type ValuationCacheEntry = z.infer<typeof valuationCacheEntrySchema>;
export type NewValuationCacheEntry = Omit<ValuationCacheEntry, 'id' | 'ttl'>;

export interface ValuationCacheOptions {
  container: Container;
  /** Point reads in flight. Default 16. */
  concurrency?: number;
}

export class ValuationCache {
  readonly #container: Container;
  readonly #concurrency: number;

  constructor(options: ValuationCacheOptions) {
    this.#container = options.container;
    this.#concurrency = options.concurrency ?? 16;
  }

  /**
   * Unexpired entries by cache key. For each key the providers are tried in order (the cascade order) and
   * the first unexpired entry wins. Keys without one are absent from the map.
   */
  async getMany(
    keys: readonly string[],
    now: Date,
    providers: readonly string[],
  ): Promise<Map<string, ValuationCacheEntry>> {
    const unique = [...new Set(keys)];
    const found = new Map<string, ValuationCacheEntry>();
    await mapWithConcurrency(unique, this.#concurrency, async (cacheKey) => {
      for (const provider of providers) {
        const entry = await this.get(cacheKey, provider, now);
        if (entry) {
          found.set(cacheKey, entry);
          return;
        }
      }
    });
    return found;
  }

  /** One provider's unexpired entry for a key. */
  async get(cacheKey: string, provider: string, now: Date): Promise<ValuationCacheEntry | undefined> {
    const { resource, statusCode } = await this.#container.item(provider, cacheKey).read<Record<string, unknown>>();
    if (statusCode === 404 || !resource) return undefined;
    const entry = parseStored(valuationCacheEntrySchema, resource, `valuationCache/${cacheKey}/${provider}`);
    return Date.parse(entry.expiresAt) > now.getTime() ? entry : undefined;
  }

  /** Writes entries (replacing a provider's older quote for the same key). */
  async putMany(entries: readonly NewValuationCacheEntry[]): Promise<void> {
    await mapWithConcurrency(entries, this.#concurrency, async (entry) => {
      const ttl = Math.max(1, Math.ceil((Date.parse(entry.expiresAt) - Date.parse(entry.cachedAt)) / 1000));
      const document: ValuationCacheEntry = valuationCacheEntrySchema.parse({ ...entry, id: entry.provider, ttl });
      await this.#container.items.upsert(document);
    });
  }
}

/** A cache entry for a quote bought now under `cacheKey` (valuationKey), expiring after `ttlHours`. */
export function cacheEntryFor(
  cacheKey: string,
  quote: AvmQuote,
  now: Date,
  ttlHours: number,
  boughtByJob?: string,
): NewValuationCacheEntry {
  return {
    cacheKey,
    provider: quote.provider,
    quote,
    ...(boughtByJob !== undefined && { boughtByJob }),
    cachedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlHours * 3_600_000).toISOString(),
  };
}
