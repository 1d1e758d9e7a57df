// The cross-job cache of paid answers (DESIGN §3): an AVM answer (or an AI review) bought once is replayed
// for the same property until it expires (default 24 h), so re-running a portfolio buys nothing twice. It is
// also where a purchase is recorded first: the entry is written the moment the vendor answers, with who
// paid and what was billed, before anything else can fail; a retried chunk finds its own purchases here.
//
// Partition key /cacheKey = the property's valuation key (src/domain/identity.ts: normalised street address,
// unit and ZIP5, plus the propertyId where that identity could stand for several properties). An AVM answer's
// id is its provider, so one key holds at most one quote per provider; an AI review's id is
// `review|{reviewer}|{request hash}` (same facts, same review). Every lookup is a point read.
// Expiry is checked in code on every read: the local Cosmos server stores `ttl` but never enforces it.
// `ttl` (seconds) is still written so Azure Cosmos DB deletes expired entries (the container has defaultTtl -1).
import { createHash } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { aiReviewSchema, avmQuoteSchema, type AiReview, type AvmQuote } from '../domain/results.ts';
import { parseStored } from './cosmos.ts';

/** Who paid for a cached answer and what the vendor billed: the durable record of a purchase. */
export const cachedPurchaseSchema = z.object({
  jobId: z.string(),
  propertyId: z.string(),
  /** Billed, in cents. */
  cents: z.number().int().nonnegative(),
  at: z.string(),
});
export type CachedPurchase = z.infer<typeof cachedPurchaseSchema>;

const entryFields = {
  cacheKey: z.string(),
  provider: z.string(),
  purchase: cachedPurchaseSchema.optional(),
  cachedAt: z.string(),
  expiresAt: z.string(),
  ttl: z.number().int().positive().optional(),
};

export const valuationCacheEntrySchema = z.object({
  /** = provider. */
  id: z.string(),
  quote: avmQuoteSchema,
  ...entryFields,
});
export type ValuationCacheEntry = z.infer<typeof valuationCacheEntrySchema>;

export const reviewCacheEntrySchema = z.object({
  /** = `review|{reviewer}|{requestHash}`. */
  id: z.string(),
  requestHash: z.string(),
  review: aiReviewSchema,
  ...entryFields,
});
export type ReviewCacheEntry = z.infer<typeof reviewCacheEntrySchema>;

/** The id of an AI review entry: reviewer and a hash of the request (the facts the reviewer was shown). */
export function reviewEntryId(reviewer: string, request: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 32);
  return `review|${reviewer}|${hash}`;
}

export interface ValuationCacheOptions {
  container: Container;
}

export class ValuationCache {
  readonly #container: Container;

  constructor(options: ValuationCacheOptions) {
    this.#container = options.container;
  }

  /**
   * `provider`'s entry for a valuation key, expired or not (its purchase record never expires); undefined when none.
   */
  async quote(cacheKey: string, provider: string): Promise<ValuationCacheEntry | undefined> {
    const resource = await this.#read(provider, cacheKey);
    return resource && parseStored(valuationCacheEntrySchema, resource, `valuationCache/${cacheKey}/${provider}`);
  }

  /** An AI review entry (id from reviewEntryId), expired or not; undefined when none. */
  async review(cacheKey: string, id: string): Promise<ReviewCacheEntry | undefined> {
    const resource = await this.#read(id, cacheKey);
    return resource && parseStored(reviewCacheEntrySchema, resource, `valuationCache/${cacheKey}/${id}`);
  }

  /** Writes an AVM answer (replacing the provider's older quote for the same key). */
  async putQuote(entry: Omit<ValuationCacheEntry, 'id' | 'ttl'>): Promise<void> {
    await this.#container.items.upsert(
      valuationCacheEntrySchema.parse({ ...entry, id: entry.provider, ttl: ttlOf(entry) }),
    );
  }

  /** Writes an AI review entry. */
  async putReview(entry: Omit<ReviewCacheEntry, 'ttl'>): Promise<void> {
    await this.#container.items.upsert(reviewCacheEntrySchema.parse({ ...entry, ttl: ttlOf(entry) }));
  }

  async #read(id: string, cacheKey: string): Promise<Record<string, unknown> | undefined> {
    const { resource, statusCode } = await this.#container.item(id, cacheKey).read<Record<string, unknown>>();
    return statusCode === 404 || !resource ? undefined : resource;
  }
}

function ttlOf(entry: { cachedAt: string; expiresAt: string }): number {
  return Math.max(1, Math.ceil((Date.parse(entry.expiresAt) - Date.parse(entry.cachedAt)) / 1000));
}

/** Whether an entry may still be reused by anyone (its purchase record is kept regardless). */
export function isFresh(entry: { expiresAt: string }, now: Date): boolean {
  return Date.parse(entry.expiresAt) > now.getTime();
}

/**
 * The key, times and purchase fields of a cache entry for an answer bought (or seen) now, expiring after `ttlHours`.
 */
export function cacheEntryFields(
  cacheKey: string,
  provider: string,
  now: Date,
  ttlHours: number,
  purchase?: CachedPurchase,
): Omit<ValuationCacheEntry, 'id' | 'ttl' | 'quote'> {
  return {
    cacheKey,
    provider,
    ...(purchase && { purchase }),
    cachedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlHours * 3_600_000).toISOString(),
  };
}

/** A cache entry for an AVM quote bought now under `cacheKey` (valuationKey), expiring after `ttlHours`. */
export function cacheEntryFor(
  cacheKey: string,
  quote: AvmQuote,
  now: Date,
  ttlHours: number,
  purchase?: CachedPurchase,
): Omit<ValuationCacheEntry, 'id' | 'ttl'> {
  return { ...cacheEntryFields(cacheKey, quote.provider, now, ttlHours, purchase), quote };
}

/** A cache entry for an AI review bought now. */
export function reviewEntryFor(
  cacheKey: string,
  reviewer: string,
  request: unknown,
  review: AiReview,
  now: Date,
  ttlHours: number,
  purchase?: CachedPurchase,
): Omit<ReviewCacheEntry, 'ttl'> {
  const id = reviewEntryId(reviewer, request);
  return {
    ...cacheEntryFields(cacheKey, reviewer, now, ttlHours, purchase),
    id,
    requestHash: id.split('|')[2]!,
    review,
  };
}
