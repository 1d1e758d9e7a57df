import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AvmQuote } from '../../../src/domain/results.ts';
import type { PortfolioDocument } from '../../../src/storage/portfolios-repository.ts';
import { propertyIdentity } from '../../../src/domain/identity.ts';
import { cacheEntryFor, isFresh, reviewEntryFor, reviewEntryId } from '../../../src/storage/valuation-cache.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';

let t: TestStorage;
beforeAll(async () => {
  t = await openTestStorage('portfolios');
});
afterAll(() => t?.cleanup());

const portfolio = (id: string, nightly: boolean): PortfolioDocument => ({
  id,
  name: `Portfolio ${id}`,
  analysisType: 'valuation',
  nightly,
  source: { kind: 'blob', blobName: `portfolios/${id}/properties.json` },
  propertyCount: 12,
  updatedAt: '2025-06-01T00:00:00.000Z',
});

describe('PortfoliosRepository', () => {
  it('puts, replaces and reads a portfolio', async () => {
    await t.storage.portfolios.put(portfolio('pf-1', true));
    await t.storage.portfolios.put({ ...portfolio('pf-1', true), propertyCount: 13 });
    expect(await t.storage.portfolios.get('pf-1')).toEqual({ ...portfolio('pf-1', true), propertyCount: 13 });
    expect(await t.storage.portfolios.get('pf-none')).toBeUndefined();
  });

  it('lists the portfolios registered for the nightly run (a cross-partition query)', async () => {
    await Promise.all([
      t.storage.portfolios.put(portfolio('pf-3', true)),
      t.storage.portfolios.put(portfolio('pf-2', false)),
      t.storage.portfolios.put(portfolio('pf-0', true)),
    ]);
    expect((await t.storage.portfolios.listNightly()).map((p) => p.id)).toEqual(['pf-0', 'pf-1', 'pf-3']);
  });
});

describe('ValuationCache', () => {
  const quote = (provider: string, estimatedValue: number): AvmQuote => ({
    provider,
    estimatedValue,
    fsd: 0.08,
    valuedAt: '2025-06-01T00:00:00.000Z',
  });
  const home = propertyIdentity({ address: '12 Pine Street', zip: '10001' });
  const flat = propertyIdentity({ address: '7 Lake Ave Unit 3', zip: '60601' });
  const now = new Date('2025-06-01T12:00:00.000Z');

  const purchase = { jobId: 'job-1', propertyId: 'P-1', cents: 2, at: now.toISOString() };

  it("keeps each provider's answer per identity with who paid, and says whether it may still be reused", async () => {
    const cache = t.storage.valuationCache;
    await cache.putQuote(cacheEntryFor(home, quote('avm-secondary', 510_000), now, 24, purchase));
    await cache.putQuote(cacheEntryFor(home, quote('avm-primary', 500_000), now, 24));
    await cache.putQuote(
      cacheEntryFor(flat, quote('avm-primary', 300_000), new Date(now.getTime() - 48 * 3_600_000), 24),
    );
    const primary = await cache.quote(home, 'avm-primary');
    expect(primary).toMatchObject({ provider: 'avm-primary', quote: { estimatedValue: 500_000 }, ttl: 86_400 });
    expect(primary?.purchase).toBeUndefined();
    expect(await cache.quote(home, 'avm-secondary')).toMatchObject({ purchase });
    // The same identity spelled differently hits; another address does not.
    expect(
      await cache.quote(propertyIdentity({ address: '12 PINE ST.', zip: '10001-2222' }), 'avm-primary'),
    ).toBeDefined();
    expect(await cache.quote(propertyIdentity({ address: '13 Pine St', zip: '10001' }), 'avm-primary')).toBeUndefined();
    // An expired entry is still read (its purchase record is the job's), but no longer fresh for reuse.
    const old = await cache.quote(flat, 'avm-primary');
    expect(old && isFresh(old, now)).toBe(false);
    expect(primary && isFresh(primary, now)).toBe(true);
    expect(primary && isFresh(primary, new Date(now.getTime() + 25 * 3_600_000))).toBe(false);
    // The local server still holds the expired document (it does not enforce ttl).
    expect((await t.storage.containers.valuationCache.item('avm-primary', flat).read()).resource).toBeDefined();
  });

  it('a newer quote from the same provider replaces the older one', async () => {
    const cache = t.storage.valuationCache;
    const other = propertyIdentity({ address: '12 Pine Street', zip: '10002' });
    await cache.putQuote(cacheEntryFor(other, quote('avm-primary', 1), now, 1));
    await cache.putQuote(cacheEntryFor(other, quote('avm-primary', 2), now, 1));
    expect((await cache.quote(other, 'avm-primary'))?.quote.estimatedValue).toBe(2);
  });

  it('keeps AI reviews by reviewer and request, beside the quotes of the same identity', async () => {
    const cache = t.storage.valuationCache;
    const request = { propertyId: 'P-1', rulesScore: 40, flags: [] };
    const review = { provider: 'fraud-review', riskScore: 55, verdict: 'review' as const, summary: 'ROUND_NUMBER' };
    await cache.putReview(reviewEntryFor(home, 'fraud-review', request, review, now, 24, purchase));
    const id = reviewEntryId('fraud-review', request);
    expect(await cache.review(home, id)).toMatchObject({ review, purchase });
    expect(await cache.review(home, reviewEntryId('fraud-review', { ...request, rulesScore: 41 }))).toBeUndefined();
  });
});
