import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AvmQuote } from '../../../src/domain/results.ts';
import type { PortfolioDocument } from '../../../src/storage/portfolios-repository.ts';
import { propertyIdentity } from '../../../src/domain/identity.ts';
import { cacheEntryFor } from '../../../src/storage/valuation-cache.ts';
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

  it('returns unexpired entries by key, in provider order, and ignores expired ones (checked in code)', async () => {
    const cache = t.storage.valuationCache;
    await cache.putMany([
      cacheEntryFor(home, quote('avm-secondary', 510_000), now, 24, 'job-1'),
      cacheEntryFor(home, quote('avm-primary', 500_000), now, 24),
      cacheEntryFor(flat, quote('avm-primary', 300_000), new Date(now.getTime() - 48 * 3_600_000), 24), // expired a day ago
    ]);
    const keys = [home, flat, propertyIdentity({ address: '13 Pine St', zip: '10001' })];
    const found = await cache.getMany(keys, now, ['avm-primary', 'avm-secondary']);
    expect([...found.keys()]).toEqual([home]);
    expect(found.get(home)).toMatchObject({
      provider: 'avm-primary',
      quote: { estimatedValue: 500_000 },
      ttl: 86_400,
    });
    // Provider order decides; the other provider's entry is there too.
    expect((await cache.getMany(keys, now, ['avm-secondary', 'avm-primary'])).get(home)).toMatchObject({
      provider: 'avm-secondary',
      boughtByJob: 'job-1',
    });
    // The same identity spelled differently hits.
    expect(
      (await cache.getMany([propertyIdentity({ address: '12 PINE ST.', zip: '10001-2222' })], now, ['avm-primary']))
        .size,
    ).toBe(1);
    // 25 hours later everything has expired, although the local server still holds the documents.
    const later = new Date(now.getTime() + 25 * 3_600_000);
    expect((await cache.getMany(keys, later, ['avm-primary', 'avm-secondary'])).size).toBe(0);
    expect((await t.storage.containers.valuationCache.item('avm-primary', flat).read()).resource).toBeDefined();
  });

  it('a newer quote from the same provider replaces the older one', async () => {
    const cache = t.storage.valuationCache;
    const key = propertyIdentity({ address: '12 Pine Street', zip: '10002' });
    await cache.putMany([cacheEntryFor(key, quote('avm-primary', 1), now, 1)]);
    await cache.putMany([cacheEntryFor(key, quote('avm-primary', 2), now, 1)]);
    expect((await cache.getMany([key], now, ['avm-primary'])).get(key)?.quote.estimatedValue).toBe(2);
  });
});
