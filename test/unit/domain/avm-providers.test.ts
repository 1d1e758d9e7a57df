import { describe, expect, it } from 'vitest';
import {
  addProviderTalliesInto,
  fsdBandOf,
  providerPerformance,
  tallyCascade,
  type ProviderTallies,
} from '../../../src/domain/avm-providers.ts';
import type { ValuationResult } from '../../../src/domain/results.ts';

const valuation = (overrides: Partial<ValuationResult>): ValuationResult => ({
  source: 'avm',
  provider: 'avm-a',
  estimatedValue: 300_000,
  fsd: 0.08,
  withinMaxFsd: true,
  cascade: [],
  valuedAt: '2026-11-01T00:00:00.000Z',
  significantChange: false,
  valueBand: '200k-500k',
  ...overrides,
});

describe('fsdBandOf', () => {
  it('puts an FSD at an edge in the band it closes', () => {
    expect([0, 0.05, 0.0501, 0.1, 0.13, 0.3, 0.3001, 0.9].map(fsdBandOf)).toEqual([0, 0, 1, 1, 2, 5, 6, 6]);
  });
});

describe('provider performance, by hand', () => {
  // Cascade avm-a then avm-b (maxFsd 13%):
  //  1. a answers 8%: accepted, b not asked.   2. a answers 20%, b answers 12%: b accepted.
  //  3. a has no value, b answers 25%: the best there is, not within maxFsd.
  //  4. a value replayed from the cache: nobody was asked.   5. a times out, b answers 5%: b accepted.
  const tallies: ProviderTallies = {};
  tallyCascade(tallies, valuation({ cascade: [{ provider: 'avm-a', fsd: 0.08 }] }));
  tallyCascade(
    tallies,
    valuation({
      provider: 'avm-b',
      fsd: 0.12,
      cascade: [
        { provider: 'avm-a', fsd: 0.2 },
        { provider: 'avm-b', fsd: 0.12 },
      ],
    }),
  );
  tallyCascade(
    tallies,
    valuation({
      provider: 'avm-b',
      fsd: 0.25,
      withinMaxFsd: false,
      cascade: [
        { provider: 'avm-a', error: 'no_value' },
        { provider: 'avm-b', fsd: 0.25 },
      ],
    }),
  );
  tallyCascade(tallies, valuation({ source: 'cache', cascade: [{ provider: 'avm-a', fsd: 0.01 }] }));
  // Property 5 in another chunk's tallies, merged in.
  const extra: ProviderTallies = {};
  tallyCascade(
    extra,
    valuation({
      provider: 'avm-b',
      fsd: 0.05,
      cascade: [
        { provider: 'avm-a', error: 'timeout' },
        { provider: 'avm-b', fsd: 0.05 },
      ],
    }),
  );
  addProviderTalliesInto(tallies, extra);

  it('counts asks, answers, no-hits and failures, and the answers within maxFsd', () => {
    const [a, b] = providerPerformance(tallies);
    expect(a).toMatchObject({
      provider: 'avm-a',
      asked: 4,
      answered: 2,
      noValue: 1,
      failed: 1,
      hitRate: 0.5,
      withinMaxFsd: 1,
      acceptedShare: 0.5,
      usableHitRate: 0.25,
    });
    expect(a!.meanFsd).toBeCloseTo(0.14, 12); // (8% + 20%) / 2
    expect(a!.fsdBands.map((band) => band.count)).toEqual([0, 1, 0, 1, 0, 0, 0]);
    expect(b).toMatchObject({ provider: 'avm-b', asked: 3, answered: 3, hitRate: 1, withinMaxFsd: 2 });
    expect(b!.acceptedShare).toBeCloseTo(2 / 3, 15);
    expect(b!.fsdBands.map((band) => band.count)).toEqual([1, 0, 1, 0, 1, 0, 0]); // 5%, 12%, 25%
    expect(b!.fsdBands[0]).toEqual({ upTo: 0.05, count: 1 });
    expect(b!.fsdBands.at(-1)).toEqual({ upTo: null, count: 0 });
  });

  it('lists nobody when no cascade ran', () => {
    expect(providerPerformance({})).toEqual([]);
  });
});
