// The cross-job valuation cache (DESIGN §3): an AVM answer bought once is replayed for the same property
// until it expires (default 24 h), so re-running a portfolio buys no valuation twice.
//
// Partition key /cacheKey = the property's normalised identity; id = the provider that answered, so one
// identity holds at most one quote per provider and every lookup is a point read.
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

export interface PropertyIdentity {
  address: string;
  zip: string;
  state: string;
  propertyType: string;
}

const ABBREVIATIONS: Record<string, string> = {
  STREET: 'ST',
  STR: 'ST',
  AVENUE: 'AVE',
  AV: 'AVE',
  AVEN: 'AVE',
  AVN: 'AVE',
  ROAD: 'RD',
  DRIVE: 'DR',
  DRV: 'DR',
  BOULEVARD: 'BLVD',
  BOUL: 'BLVD',
  BLV: 'BLVD',
  LANE: 'LN',
  COURT: 'CT',
  CRT: 'CT',
  PLACE: 'PL',
  TERRACE: 'TER',
  TERR: 'TER',
  CIRCLE: 'CIR',
  CIRC: 'CIR',
  PARKWAY: 'PKWY',
  PKY: 'PKWY',
  HIGHWAY: 'HWY',
  HIWAY: 'HWY',
  SQUARE: 'SQ',
  TRAIL: 'TRL',
  EXPRESSWAY: 'EXPY',
  FREEWAY: 'FWY',
  TURNPIKE: 'TPKE',
  ALLEY: 'ALY',
  CROSSING: 'XING',
  HEIGHTS: 'HTS',
  POINT: 'PT',
  MOUNT: 'MT',
  MOUNTAIN: 'MTN',
  CENTER: 'CTR',
  CENTRE: 'CTR',
  COVE: 'CV',
  CREEK: 'CRK',
  ESTATES: 'ESTS',
  GARDENS: 'GDNS',
  GROVE: 'GRV',
  HILL: 'HL',
  HOLLOW: 'HOLW',
  ISLAND: 'IS',
  JUNCTION: 'JCT',
  LAKE: 'LK',
  LANDING: 'LNDG',
  MEADOWS: 'MDWS',
  PLAZA: 'PLZ',
  RIDGE: 'RDG',
  RUN: 'RUN',
  SPRINGS: 'SPGS',
  STATION: 'STA',
  VALLEY: 'VLY',
  VIEW: 'VW',
  VILLAGE: 'VLG',
  NORTH: 'N',
  SOUTH: 'S',
  EAST: 'E',
  WEST: 'W',
  NORTHEAST: 'NE',
  NORTHWEST: 'NW',
  SOUTHEAST: 'SE',
  SOUTHWEST: 'SW',
  APARTMENT: 'APT',
  SUITE: 'STE',
  BUILDING: 'BLDG',
  FLOOR: 'FL',
  NUMBER: '',
  NO: '',
};

/** An address in one canonical spelling: upper case, no punctuation, single spaces, USPS suffix abbreviations. */
export function normalizeAddress(address: string): string {
  return address
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => ABBREVIATIONS[word] ?? word)
    .filter(Boolean)
    .join(' ');
}

/** The cache key of a property: state, 5-digit ZIP, property type and normalised address. */
export function normalizedIdentity(identity: PropertyIdentity): string {
  const zip5 = identity.zip.trim().slice(0, 5);
  return [
    identity.state.trim().toUpperCase(),
    zip5,
    identity.propertyType.trim().toUpperCase(),
    normalizeAddress(identity.address),
  ].join('|');
}

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

/** A cache entry for a quote bought now, expiring after `ttlHours`. */
export function cacheEntryFor(
  identity: PropertyIdentity,
  quote: AvmQuote,
  now: Date,
  ttlHours: number,
  boughtByJob?: string,
): NewValuationCacheEntry {
  return {
    cacheKey: normalizedIdentity(identity),
    provider: quote.provider,
    quote,
    ...(boughtByJob !== undefined && { boughtByJob }),
    cachedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlHours * 3_600_000).toISOString(),
  };
}
