// A deterministic, realistic sample portfolio with planted fraud and risk patterns (documented in
// examples/README.md). Values come from referenceMarketValue, the "true" value the simulated AVM returns,
// so what is planted here is an anomaly against what the analysis will see.
import { z } from 'zod';
import { isCalendarDate } from '../src/domain/fields.ts';
import { propertyIdentity } from '../src/domain/identity.ts';
import { referenceMarketValue, TYPICAL_LIVING_AREA_SQFT } from '../src/domain/price-levels.ts';
import type { Appraisal, Comparable, Locale, Loan, Property, PropertyType, Sale } from '../src/domain/schemas.ts';
import { createGeography, MARKET_SHARES, type Geography } from './geography.ts';
import { createRandom, type Random } from './random.ts';

export const DEFAULT_SEED = 20261101;
export const DEFAULT_AS_OF = '2026-11-01';

export const generatorOptionsSchema = z.object({
  size: z.number().int().min(1).max(1_000_000),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(DEFAULT_SEED),
  /** "Today" of the portfolio: every date is on or before it. */
  asOf: z.string().refine(isCalendarDate, 'must be a date (YYYY-MM-DD)').default(DEFAULT_AS_OF),
});
export type GeneratorOptions = z.input<typeof generatorOptionsSchema>;

export const PLANTED_PATTERNS = [
  'inflatingAppraiser',
  'flip',
  'distantComparables',
  'staleComparables',
  'roundNumberAppraisal',
  'valueJump',
  'underwaterLoan',
] as const;
export type PlantedPattern = (typeof PLANTED_PATTERNS)[number];

/** Share of properties given each of these patterns; a property gets at most one of them. */
export const PROPERTY_PATTERN_SHARES = {
  flip: 0.03,
  distantComparables: 0.02,
  staleComparables: 0.02,
  roundNumberAppraisal: 0.02,
  valueJump: 0.02,
} as const satisfies Partial<Record<PlantedPattern, number>>;
type PropertyPattern = keyof typeof PROPERTY_PATTERN_SHARES;

/** Share of loans planted underwater: first-lien LTV against the true value in UNDERWATER_LTV. */
export const UNDERWATER_LOAN_SHARE = 0.04;
export const UNDERWATER_LTV = [0.91, 1.2] as const;
/** First-lien LTV of every other loan stays at or under this. */
export const NORMAL_MAX_LTV = 0.88;

export const APPRAISER_COUNT = 150;
/** Appraisers (one in each of the largest metros) whose every appraisal is INFLATION above true value. */
export const INFLATING_APPRAISER_COUNT = 5;
export const INFLATION = [1.25, 1.4] as const;

/** A flip: resold FLIP_DAYS after buying, at FLIP_GAIN times the purchase price. */
export const FLIP_DAYS = [90, 330] as const;
export const FLIP_GAIN = [1.36, 1.7] as const;
/** Other sales of a property are at least this many days apart. */
export const NORMAL_MIN_DAYS_BETWEEN_SALES = 730;

/**
 * Normal comparables lie within this distance by locale, and sold at most NORMAL_COMPARABLE_AGE_DAYS before the
 * appraisal.
 */
export const NORMAL_COMPARABLE_MILES: Record<Locale, number> = { urban: 0.9, suburban: 1.9, rural: 4.9 };
export const NORMAL_COMPARABLE_AGE_DAYS = 300;
export const DISTANT_COMPARABLE_MILES = [12, 40] as const;
export const STALE_COMPARABLE_AGE_DAYS = [400, 900] as const;

/** Round-number appraisals are multiples of this; no other appraisal is a multiple of NON_ROUND_STEP. */
export const ROUND_APPRAISAL_STEP = 25_000;
export const NON_ROUND_STEP = 5_000;

/** A value jump: an appraisal JUMP_DAYS after the previous one at JUMP_FACTOR times its value. */
export const JUMP_DAYS = [120, 330] as const;
export const JUMP_FACTOR = [1.4, 1.75] as const;
/** Other successive appraisals of a property are at least this many days apart. */
export const NORMAL_MIN_DAYS_BETWEEN_APPRAISALS = 365;

/** Yearly price growth used to date values: the value N years ago is today's / 1.04^N. */
export const ANNUAL_APPRECIATION = 0.04;

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365.25;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const roundTo = (value: number, step: number) => Math.max(step, Math.round(value / step) * step);
const cents = (value: number) => Math.round(value * 100) / 100;

/** The true value of a property `day`s since the epoch, given its true value on `asOf`. */
export function valueOn(trueValue: number, day: number, asOfDay: number): number {
  return trueValue * (1 + ANNUAL_APPRECIATION) ** ((day - asOfDay) / YEAR_DAYS);
}

/** An appraiser's figure: whole hundreds, nudged off multiples of NON_ROUND_STEP. */
function appraisalFigure(value: number): number {
  const figure = roundTo(value, 100);
  return figure % NON_ROUND_STEP === 0 ? figure + 100 : figure;
}

const PROPERTY_TYPE_MIX: Record<Locale, Record<PropertyType, number>> = {
  // PUD, co-op and manufactured housing are types since the sample was drawn; at weight 0 they change no draw,
  // so the sample (and every figure measured on it) stays as it was.
  urban: {
    SFR: 40,
    CONDO: 28,
    TOWNHOUSE: 10,
    PUD: 0,
    COOP: 0,
    MANUFACTURED: 0,
    MULTI_2_4: 12,
    MULTIFAMILY: 5,
    COMMERCIAL: 5,
    LAND: 0,
  },
  suburban: {
    SFR: 68,
    CONDO: 10,
    TOWNHOUSE: 10,
    PUD: 0,
    COOP: 0,
    MANUFACTURED: 0,
    MULTI_2_4: 6,
    MULTIFAMILY: 2,
    COMMERCIAL: 3,
    LAND: 1,
  },
  rural: {
    SFR: 75,
    CONDO: 2,
    TOWNHOUSE: 2,
    PUD: 0,
    COOP: 0,
    MANUFACTURED: 0,
    MULTI_2_4: 5,
    MULTIFAMILY: 1,
    COMMERCIAL: 3,
    LAND: 12,
  },
};
/** Mean and spread of the year built: cities are older than suburbs. */
const YEAR_BUILT: Record<Locale, [number, number]> = { urban: [1962, 28], suburban: [1990, 18], rural: [1978, 25] };
const LOAN_SHARE: Record<PropertyType, number> = {
  SFR: 0.88,
  CONDO: 0.88,
  TOWNHOUSE: 0.88,
  PUD: 0.88,
  COOP: 0.85,
  MANUFACTURED: 0.7,
  MULTI_2_4: 0.88,
  MULTIFAMILY: 0.8,
  COMMERCIAL: 0.75,
  LAND: 0.35,
};
const SECOND_LIEN_SHARE = 0.12;
const SECOND_LIEN_TYPES: ReadonlySet<PropertyType> = new Set(['SFR', 'CONDO', 'TOWNHOUSE', 'PUD', 'MULTI_2_4']);

const STREETS = [
  'Oak',
  'Maple',
  'Cedar',
  'Pine',
  'Elm',
  'Willow',
  'Birch',
  'Walnut',
  'Hickory',
  'Magnolia',
  'Cypress',
  'Sycamore',
  'Washington',
  'Lincoln',
  'Jefferson',
  'Madison',
  'Franklin',
  'Jackson',
  'Adams',
  'Monroe',
  'Main',
  'Church',
  'Park',
  'Lake',
  'Hill',
  'River',
  'Spring',
  'Meadow',
  'Forest',
  'Sunset',
  'Highland',
  'Ridge',
  'Valley',
  'Mill',
  'Center',
  'Prairie',
  'Canyon',
  'Mesa',
  'Bayshore',
  'Palmetto',
];
const STREET_SUFFIXES = ['St', 'Ave', 'Dr', 'Ln', 'Rd', 'Blvd', 'Ct', 'Way', 'Pl', 'Cir', 'Trl', 'Pkwy'];

export interface GeneratedProperty {
  property: Property;
  /** What was planted in it (empty for an ordinary property). */
  planted: PlantedPattern[];
}

interface Appraiser {
  id: string;
  inflates: boolean;
}

/**
 * 150 appraisers, each working one market, their number per market in proportion to its share of the
 * book (largest remainder); volumes vary (lognormal weights). The inflating ones are one appraiser in
 * each of the largest metros, so each has enough appraisals to stand out.
 */
function appraiserPools(
  random: Random,
): Map<string, { weights: Record<string, number>; byId: Map<string, Appraiser> }> {
  const markets = Object.entries(MARKET_SHARES);
  const total = markets.reduce((sum, [, share]) => sum + share, 0);
  const exact = markets.map(([market, share]) => ({ market, exact: (APPRAISER_COUNT * share) / total }));
  const counts = new Map(exact.map((m) => [m.market, Math.floor(m.exact)]));
  let left = APPRAISER_COUNT - [...counts.values()].reduce((a, b) => a + b, 0);
  for (const m of [...exact].sort((a, b) => (b.exact % 1) - (a.exact % 1)))
    if (left-- > 0) counts.set(m.market, (counts.get(m.market) ?? 0) + 1);

  const largest = [...markets]
    .sort((a, b) => b[1] - a[1])
    .slice(0, INFLATING_APPRAISER_COUNT)
    .map(([market]) => market);
  const pools = new Map<string, { weights: Record<string, number>; byId: Map<string, Appraiser> }>();
  let number = 0;
  for (const [market] of markets) {
    const count = counts.get(market) ?? 0;
    const inflating = largest.includes(market) ? random.integer(0, count - 1) : -1;
    const weights: Record<string, number> = {};
    const byId = new Map<string, Appraiser>();
    for (let i = 0; i < count; i++) {
      const id = `APR-${String(++number).padStart(3, '0')}`;
      weights[id] = Math.exp(0.5 * random.normal());
      byId.set(id, { id, inflates: i === inflating });
    }
    pools.set(market, { weights, byId });
  }
  return pools;
}

/** What the history of one property is drawn from. */
interface PropertyContext {
  random: Random;
  asOfDay: number;
  /** No sale, appraisal or loan of the property itself before this day (built, or 30 years back). */
  historyStart: number;
  locale: Locale;
  livingAreaSqft: number | undefined;
  /** The true value on asOf (referenceMarketValue). */
  trueValue: number;
  pattern: PropertyPattern | undefined;
  planted: Set<PlantedPattern>;
  pickAppraiser(honest: boolean): Appraiser;
}

interface AppraisalDraft {
  day: number;
  value: number;
  appraiser: Appraiser;
  purpose: NonNullable<Appraisal['purpose']>;
  comparables: Comparable[];
}

const between = (random: Random, [min, max]: readonly [number, number]) => random.between(min, max);
const daysBefore = (day: number, years: number) => Math.round(day - years * YEAR_DAYS);
const valueAt = (ctx: PropertyContext, day: number) => valueOn(ctx.trueValue, day, ctx.asOfDay);

/**
 * The address line of a property: `number street`, `number street Unit 12A` for a condo, `Lot N street` for
 * land. `taken` holds the identities (propertyIdentity: address, unit and ZIP) already given: a draw that
 * repeats one moves up the street, so two properties never share one address line (and so one valuation).
 * Moving draws nothing, so every other property stays as drawn.
 */
function addressFor(random: Random, propertyType: PropertyType, zip: string, taken: Set<string>): string {
  const street = `${random.pick(STREETS)} ${random.pick(STREET_SUFFIXES)}`;
  let number = random.integer(100, 9899);
  const unit = propertyType === 'CONDO' ? ` Unit ${random.integer(1, 40)}${random.pick(['A', 'B', 'C', 'D'])}` : '';
  let lot = propertyType === 'LAND' ? random.integer(1, 300) : 0;
  for (;;) {
    const address = propertyType === 'LAND' ? `Lot ${lot} ${street}` : `${number} ${street}${unit}`;
    const identity = propertyIdentity({ address, zip });
    if (!taken.has(identity)) {
      taken.add(identity);
      return address;
    }
    number += 2; // the next house on the same side of the street
    lot += 1;
  }
}

function physicalFacts(random: Random, propertyType: PropertyType, locale: Locale, latestYearBuilt: number) {
  const units =
    propertyType === 'MULTI_2_4'
      ? random.integer(2, 4)
      : propertyType === 'MULTIFAMILY'
        ? Math.round(Math.exp(random.between(Math.log(5), Math.log(120))))
        : propertyType === 'COMMERCIAL' || propertyType === 'LAND'
          ? undefined
          : 1;
  const typicalArea = TYPICAL_LIVING_AREA_SQFT[propertyType];
  const livingAreaSqft =
    propertyType === 'LAND'
      ? undefined
      : propertyType === 'MULTIFAMILY'
        ? roundTo((units ?? 5) * random.between(750, 1050), 10)
        : propertyType === 'COMMERCIAL'
          ? roundTo(typicalArea * Math.min(Math.max(Math.exp(0.6 * random.normal()), 0.2), 5), 100)
          : roundTo(typicalArea * Math.min(Math.max(Math.exp(0.25 * random.normal()), 0.4), 3), 10);
  const [meanYear, spreadYears] = YEAR_BUILT[locale];
  const yearBuilt =
    propertyType === 'LAND'
      ? undefined
      : Math.min(Math.max(Math.round(meanYear + spreadYears * random.normal()), 1880), latestYearBuilt);
  return { units, livingAreaSqft, yearBuilt };
}

/** 3-6 honest comparables for an appraisal on `day`: nearby for the locale, sold within the last 300 days. */
function comparablesFor(ctx: PropertyContext, day: number): Comparable[] {
  const { random, livingAreaSqft } = ctx;
  return Array.from({ length: random.integer(3, 6) }, () => {
    const saleDay = day - random.integer(7, NORMAL_COMPARABLE_AGE_DAYS);
    const area = livingAreaSqft === undefined ? undefined : roundTo(livingAreaSqft * random.between(0.8, 1.2), 10);
    const sizeFactor = area === undefined || livingAreaSqft === undefined ? 1 : Math.sqrt(area / livingAreaSqft);
    return {
      salePrice: roundTo(valueAt(ctx, saleDay) * sizeFactor * random.between(0.92, 1.08), 500),
      saleDate: isoOf(saleDay),
      distanceMiles: Math.round(random.between(0.1, NORMAL_COMPARABLE_MILES[ctx.locale]) * 100) / 100,
      ...(area !== undefined && { livingAreaSqft: area }),
    };
  });
}

/**
 * An appraisal on `day` at `fairValue`, unless its appraiser is one who inflates (then at INFLATION over the
 * true value). `forcedFigure` sets the figure outright and takes an honest appraiser.
 */
function appraise(
  ctx: PropertyContext,
  day: number,
  purpose: AppraisalDraft['purpose'],
  fairValue: number,
  forcedFigure?: number,
): AppraisalDraft {
  const appraiser = ctx.pickAppraiser(forcedFigure !== undefined);
  if (appraiser.inflates) ctx.planted.add('inflatingAppraiser');
  const value =
    forcedFigure ??
    appraisalFigure(appraiser.inflates ? valueAt(ctx, day) * between(ctx.random, INFLATION) : fairValue);
  return { day, value, appraiser, purpose, comparables: ctx.random.chance(0.85) ? comparablesFor(ctx, day) : [] };
}

/** Sales in date order, and those bought with a loan (each may come with a purchase appraisal). */
function salesHistory(ctx: PropertyContext): { sales: Sale[]; financed: Sale[] } {
  const { random, asOfDay, historyStart } = ctx;
  const sales: Sale[] = [];
  const saleAt = (day: number, price: number): Sale => ({ date: isoOf(day), price: roundTo(price, 500) });
  if (ctx.pattern === 'flip') {
    const bought = daysBefore(asOfDay, random.between(1.2, 4));
    const resold = bought + random.integer(...FLIP_DAYS);
    const purchase = saleAt(bought, valueAt(ctx, bought) * random.between(0.7, 0.85));
    const earlier = daysBefore(bought, random.between(3, 12));
    if (random.chance(0.5) && earlier >= historyStart)
      sales.push(saleAt(earlier, valueAt(ctx, earlier) * random.between(0.95, 1.05)));
    const resale = saleAt(resold, purchase.price * between(random, FLIP_GAIN));
    sales.push(purchase, resale);
    return { sales, financed: [resale] }; // the flipper paid cash; the buyer of the resale took a loan
  }
  const count = Number(random.weighted({ 0: 22, 1: 45, 2: 23, 3: 10 }));
  let day = daysBefore(asOfDay, random.between(0.25, 15));
  for (let i = 0; i < count && day >= historyStart; i++) {
    sales.unshift(saleAt(day, valueAt(ctx, day) * random.between(0.95, 1.05)));
    day -= NORMAL_MIN_DAYS_BETWEEN_SALES + Math.round(random.between(0, 7) * YEAR_DAYS);
  }
  return { sales, financed: sales };
}

/** An appraisal before most financed purchases of the last 12 years, then refinances after the last sale. */
function appraisalHistory(ctx: PropertyContext, sales: readonly Sale[], financed: readonly Sale[]): AppraisalDraft[] {
  const { random, asOfDay, historyStart } = ctx;
  const appraisals: AppraisalDraft[] = [];
  for (const sale of financed) {
    const saleDay = dayOf(sale.date);
    const appraisalDay = saleDay - random.integer(15, 45);
    if (
      saleDay >= daysBefore(asOfDay, 12) &&
      appraisalDay >= historyStart &&
      (ctx.pattern === 'flip' || random.chance(0.7))
    )
      appraisals.push(appraise(ctx, appraisalDay, 'purchase', sale.price * random.between(1, 1.03)));
  }
  if (ctx.pattern === 'flip') return appraisals;
  const refinances = Number(random.weighted({ 0: 55, 1: 33, 2: 12 }));
  const lastSale = sales.at(-1);
  const earliest = Math.max(
    historyStart,
    daysBefore(asOfDay, 8),
    lastSale ? dayOf(lastSale.date) + NORMAL_MIN_DAYS_BETWEEN_APPRAISALS : -Infinity,
  );
  let day = earliest + random.integer(0, 3 * 365);
  for (let i = 0; i < refinances && day <= asOfDay - 7; i++) {
    appraisals.push(
      appraise(
        ctx,
        day,
        random.weighted({ refinance: 70, heloc: 20, other: 10 }),
        valueAt(ctx, day) * random.between(0.95, 1.05),
      ),
    );
    day += random.integer(NORMAL_MIN_DAYS_BETWEEN_APPRAISALS, 3 * 365);
  }
  return appraisals;
}

/** Plants the appraisal-borne patterns on the latest appraisal, made first if there is none. */
function plantOnLatestAppraisal(
  ctx: PropertyContext,
  pattern: Exclude<PropertyPattern, 'flip'>,
  appraisals: AppraisalDraft[],
): void {
  const { random, asOfDay } = ctx;
  if (appraisals.length === 0) {
    const day = asOfDay - random.integer(30, 700);
    appraisals.push(appraise(ctx, day, 'refinance', valueAt(ctx, day) * random.between(0.95, 1.05)));
  }
  const latest = appraisals.at(-1) as AppraisalDraft;
  switch (pattern) {
    case 'distantComparables':
    case 'staleComparables': {
      if (latest.comparables.length === 0) latest.comparables = comparablesFor(ctx, latest.day);
      const odd = random.integer(2, 3);
      latest.comparables = latest.comparables.map((c, i) =>
        i >= odd
          ? c
          : pattern === 'distantComparables'
            ? { ...c, distanceMiles: Math.round(between(random, DISTANT_COMPARABLE_MILES) * 100) / 100 }
            : { ...c, saleDate: isoOf(latest.day - random.integer(...STALE_COMPARABLE_AGE_DAYS)) },
      );
      return;
    }
    case 'roundNumberAppraisal':
      // The appraiser's own figure rounded up, so an inflating appraiser's stays inflated.
      latest.value = Math.ceil(latest.value / ROUND_APPRAISAL_STEP) * ROUND_APPRAISAL_STEP;
      return;
    case 'valueJump': {
      // After the latest when there is room before asOf, else just before it (the latest is then the jump).
      const gap = random.integer(...JUMP_DAYS);
      const factor = between(random, JUMP_FACTOR);
      if (latest.day + gap <= asOfDay - 7)
        appraisals.push(appraise(ctx, latest.day + gap, 'refinance', 0, appraisalFigure(latest.value * factor)));
      else
        appraisals.splice(
          -1,
          0,
          appraise(ctx, latest.day - gap, 'refinance', 0, appraisalFigure(latest.value / factor)),
        );
    }
  }
}

/** The loan, from the last purchase or refinance, its LTV drawn against today's true value; or none. */
function loanFor(
  ctx: PropertyContext,
  propertyType: PropertyType,
  sales: readonly Sale[],
  appraisals: readonly AppraisalDraft[],
): Loan | undefined {
  const { random, asOfDay, historyStart, trueValue } = ctx;
  if (ctx.pattern !== 'flip' && !random.chance(LOAN_SHARE[propertyType])) return undefined;
  const lastSale = sales.at(-1);
  const lastRefinance = appraisals.filter((a) => a.purpose !== 'purchase').at(-1);
  let originationDay: number;
  let originalValue: number;
  if (lastRefinance && (!lastSale || lastRefinance.day > dayOf(lastSale.date)))
    [originationDay, originalValue] = [lastRefinance.day, lastRefinance.value];
  else if (lastSale) [originationDay, originalValue] = [dayOf(lastSale.date), lastSale.price];
  else {
    originationDay = Math.max(historyStart, asOfDay - random.integer(60, 10 * 365));
    originalValue = roundTo(valueAt(ctx, originationDay), 500);
  }
  let balance: number;
  if (random.chance(UNDERWATER_LOAN_SHARE)) {
    ctx.planted.add('underwaterLoan');
    balance = cents(trueValue * between(random, UNDERWATER_LTV));
    // A recent high-LTV loan (90-97% at origination) on a value that has not held.
    if (originationDay < daysBefore(asOfDay, 3)) originationDay = asOfDay - random.integer(60, 3 * 365);
    originalValue = roundTo(balance / random.between(0.9, 0.97), 500);
  } else {
    const ltv = Math.min(Math.max(0.66 + 0.14 * random.normal(), 0.08), NORMAL_MAX_LTV);
    balance = cents(Math.min(ltv * trueValue, 0.97 * originalValue));
  }
  const secondLien =
    SECOND_LIEN_TYPES.has(propertyType) && random.chance(SECOND_LIEN_SHARE)
      ? cents(trueValue * random.between(0.04, 0.15))
      : undefined;
  return {
    balance,
    ...(secondLien !== undefined && { secondLienBalance: secondLien }),
    originationDate: isoOf(originationDay),
    originalValue,
  };
}

/**
 * Streams `size` properties. The same options give the same properties, and a portfolio is a prefix of a
 * larger one with the same seed and date (properties are drawn one after another from one random stream).
 */
export function* generatePortfolio(
  options: GeneratorOptions,
  geography: Geography = createGeography(),
): Generator<GeneratedProperty> {
  const { size, seed, asOf } = generatorOptionsSchema.parse(options);
  const random = createRandom(seed);
  const asOfDay = dayOf(asOf);
  const asOfYear = Number(asOf.slice(0, 4));
  const pools = appraiserPools(random);
  const idWidth = Math.max(6, String(size).length);
  const patternShares = {
    ...PROPERTY_PATTERN_SHARES,
    none: 1 - Object.values(PROPERTY_PATTERN_SHARES).reduce((a, b) => a + b, 0),
  };
  const identities = new Set<string>();

  for (let index = 0; index < size; index++) {
    const propertyId = `P${String(index + 1).padStart(idWidth, '0')}`;
    const { area, locale, market } = geography.placeProperty(random);
    const propertyType = random.weighted(PROPERTY_TYPE_MIX[locale]);
    const drawn = random.weighted(patternShares);
    const pattern = drawn === 'none' ? undefined : drawn;
    const pool = pools.get(market);
    if (!pool) throw new Error(`no appraisers for market ${market}`);

    // Planted histories need a few years of past; a brand-new building has none.
    const address = addressFor(random, propertyType, area.zip, identities);
    const { units, livingAreaSqft, yearBuilt } = physicalFacts(
      random,
      propertyType,
      locale,
      pattern ? asOfYear - 6 : asOfYear,
    );
    const jitter = locale === 'urban' ? 0.01 : locale === 'suburban' ? 0.02 : 0.05;
    const latitude = Math.round((area.latitude + random.between(-jitter, jitter)) * 1e5) / 1e5;
    const longitude = Math.round((area.longitude + random.between(-jitter, jitter)) * 1e5) / 1e5;
    const ctx: PropertyContext = {
      random,
      asOfDay,
      historyStart: Math.max(
        daysBefore(asOfDay, 30),
        yearBuilt === undefined ? -Infinity : dayOf(`${yearBuilt}-01-01`),
      ),
      locale,
      livingAreaSqft,
      trueValue: referenceMarketValue({
        propertyId,
        address,
        zip: area.zip,
        state: area.state,
        propertyType,
        livingAreaSqft,
      }),
      pattern,
      planted: new Set(pattern ? [pattern] : []),
      pickAppraiser(honest) {
        for (;;) {
          const appraiser = pool.byId.get(random.weighted(pool.weights));
          if (appraiser && !(honest && appraiser.inflates)) return appraiser;
        }
      },
    };

    const { sales, financed } = salesHistory(ctx);
    const drafts = appraisalHistory(ctx, sales, financed);
    if (pattern && pattern !== 'flip') plantOnLatestAppraisal(ctx, pattern, drafts);
    const appraisals: Appraisal[] = drafts.map((a, i) => ({
      appraisalId: `${propertyId}-A${i + 1}`,
      appraiserId: a.appraiser.id,
      appraisedValue: a.value,
      effectiveDate: isoOf(a.day),
      purpose: a.purpose,
      ...(a.comparables.length > 0 && { comparables: a.comparables }),
    }));
    const latest = appraisals.at(-1);
    let lastAppraisal = latest && { value: latest.appraisedValue, date: latest.effectiveDate };
    if (!lastAppraisal && random.chance(0.4)) {
      // An appraisal on file whose report is not in the list.
      const day = Math.max(ctx.historyStart, asOfDay - random.integer(365, 8 * 365));
      lastAppraisal = { value: appraisalFigure(valueAt(ctx, day) * random.between(0.95, 1.05)), date: isoOf(day) };
    }
    const loan = loanFor(ctx, propertyType, sales, drafts);

    const property: Property = {
      propertyId,
      address,
      city: area.city,
      state: area.state,
      zip: area.zip,
      county: area.county,
      latitude,
      longitude,
      locale,
      propertyType,
      ...(units !== undefined && { units }),
      ...(livingAreaSqft !== undefined && { livingAreaSqft }),
      ...(yearBuilt !== undefined && { yearBuilt }),
      ...(lastAppraisal && { lastAppraisedValue: lastAppraisal.value, lastAppraisalDate: lastAppraisal.date }),
      ...(loan && { loan }),
      ...(appraisals.length > 0 && { appraisals }),
      ...(sales.length > 0 && { sales }),
    };
    yield { property, planted: PLANTED_PATTERNS.filter((p) => ctx.planted.has(p)) };
  }
}
