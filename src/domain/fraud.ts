// Fraud screening of one property (DESIGN §4): rules over its appraisals, comparables and sales, each
// with a reason code, points and its threshold in the options. The portfolio-wide part (appraisers whose
// appraisals run high across the book) is judged on the merged summary, in appraisers.ts.
import { z } from 'zod';
import { isWithinMonths } from './dates.ts';
import type { AiReview, AppraisalCheck, FraudFlag, FraudResult } from './results.ts';
import type { Appraisal, Locale, Property } from './schemas.ts';

const fraction = z.number().min(0).max(10);
const months = z.number().int().min(1).max(600);
const score = z.number().min(0).max(100);

export const fraudOptionsSchema = z
  .object({
    /** An appraisal more than this fraction above the current AVM value is flagged (0.20 = 20%). */
    appraisalAboveAvmPct: fraction.default(0.2),
    /** Appraisals older than this are not compared with today's AVM value: the market has moved since. */
    recentAppraisalMonths: months.default(24),
    /** A resale within this many months... */
    flipWindowMonths: months.default(12),
    /** ...at a gain above this fraction is a flip (0.30 = 30%). */
    flipGainPct: fraction.default(0.3),
    /** Farthest a comparable may be, by the property's locale (miles); unknown locale counts as suburban. */
    comparableMaxMilesUrban: z.number().positive().default(1),
    comparableMaxMilesSuburban: z.number().positive().default(2),
    comparableMaxMilesRural: z.number().positive().default(5),
    /** A comparable sold more than this many months before the appraisal is stale. */
    comparableMaxAgeMonths: months.default(12),
    /** An appraised value that is an exact multiple of this many dollars is a round number. */
    roundNumberUnit: z.number().int().min(1).default(25_000),
    /** An appraisal more than this fraction above the previous appraisal of the same property... */
    valueJumpPct: fraction.default(0.3),
    /** ...made within this many months of it, is a value jump. */
    valueJumpMonths: months.default(12),
    /** Score at or above which a property is flagged. */
    flagThreshold: score.default(25),
    /** Rules score at or above which the AI reviewer is consulted (the paid fraud call). */
    aiReviewThreshold: score.default(25),
  })
  .refine(
    (o) =>
      o.comparableMaxMilesUrban <= o.comparableMaxMilesSuburban &&
      o.comparableMaxMilesSuburban <= o.comparableMaxMilesRural,
    {
      message: 'comparable distance limits must rise from urban to suburban to rural',
      path: ['comparableMaxMilesSuburban'],
    },
  );
export type FraudOptions = z.infer<typeof fraudOptionsSchema>;

/**
 * Reason codes and the points each adds to the 0-100 score. Strong, specific evidence (an appraisal far
 * above the AVM, a quick resale at a large gain, a sudden jump) flags a property by itself; weak evidence
 * (a round number) only adds up with other findings. A code counts once per property.
 */
export const FRAUD_RULES = {
  APPRAISAL_ABOVE_AVM: { points: 35, meaning: 'a recent appraisal is well above the current AVM value' },
  FLIP: { points: 40, meaning: 'resold within the flip window at a large gain' },
  VALUE_JUMP: {
    points: 35,
    meaning: 'an appraisal far above the previous appraisal of the same property, soon after it',
  },
  DISTANT_COMPARABLES: { points: 30, meaning: 'comparables farther away than the locale allows' },
  STALE_COMPARABLES: { points: 25, meaning: 'comparables sold long before the appraisal' },
  ROUND_NUMBER: { points: 15, meaning: 'the appraised value is a suspiciously round number' },
} as const;
export type FraudReasonCode = keyof typeof FRAUD_RULES;

const pct = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
const usd = (amount: number) => `$${Math.round(amount).toLocaleString('en-US')}`;

function flag(code: FraudReasonCode, detail: string, appraisalId?: string): FraudFlag {
  return { code, points: FRAUD_RULES[code].points, detail, ...(appraisalId !== undefined && { appraisalId }) };
}

function maxComparableMiles(locale: Locale | undefined, options: FraudOptions): number {
  if (locale === 'urban') return options.comparableMaxMilesUrban;
  if (locale === 'rural') return options.comparableMaxMilesRural;
  return options.comparableMaxMilesSuburban;
}

/** Inflation of an appraisal against the current value, when the appraisal is recent enough to compare. */
function inflationVsAvm(
  appraisal: Appraisal,
  currentValue: number | undefined,
  asOfDay: string,
  options: FraudOptions,
): number | undefined {
  if (currentValue === undefined || !isWithinMonths(appraisal.effectiveDate, asOfDay, options.recentAppraisalMonths))
    return undefined;
  return (appraisal.appraisedValue - currentValue) / currentValue;
}

function appraisalFlags(
  appraisal: Appraisal,
  property: Pick<Property, 'locale'>,
  inflation: number | undefined,
  options: FraudOptions,
): FraudFlag[] {
  const flags: FraudFlag[] = [];
  const id = appraisal.appraisalId;
  if (inflation !== undefined && inflation > options.appraisalAboveAvmPct) {
    flags.push(
      flag(
        'APPRAISAL_ABOVE_AVM',
        `appraised ${usd(appraisal.appraisedValue)} on ${appraisal.effectiveDate}, ${pct(inflation)} above the AVM value (limit ${pct(options.appraisalAboveAvmPct)})`,
        id,
      ),
    );
  }
  const comparables = appraisal.comparables ?? [];
  const maxMiles = maxComparableMiles(property.locale, options);
  const distant = comparables.filter((c) => c.distanceMiles > maxMiles);
  if (distant.length > 0) {
    const farthest = Math.max(...distant.map((c) => c.distanceMiles));
    flags.push(
      flag(
        'DISTANT_COMPARABLES',
        `${distant.length} of ${comparables.length} comparables beyond ${maxMiles} mi (${property.locale ?? 'unknown'} locale), farthest ${farthest} mi`,
        id,
      ),
    );
  }
  const stale = comparables.filter(
    (c) => !isWithinMonths(c.saleDate, appraisal.effectiveDate, options.comparableMaxAgeMonths),
  );
  if (stale.length > 0) {
    const oldest = stale.map((c) => c.saleDate).sort()[0];
    flags.push(
      flag(
        'STALE_COMPARABLES',
        `${stale.length} of ${comparables.length} comparables sold more than ${options.comparableMaxAgeMonths} months before the appraisal (oldest ${oldest})`,
        id,
      ),
    );
  }
  if (appraisal.appraisedValue % options.roundNumberUnit === 0) {
    flags.push(
      flag(
        'ROUND_NUMBER',
        `appraised at ${usd(appraisal.appraisedValue)}, a multiple of ${usd(options.roundNumberUnit)}`,
        id,
      ),
    );
  }
  return flags;
}

/** Consecutive pairs of `items` in date order (the input order does not matter). */
function successivePairs<T>(items: readonly T[], dateOf: (item: T) => string): Array<[previous: T, current: T]> {
  const byDate = [...items].sort((a, b) => dateOf(a).localeCompare(dateOf(b)));
  return byDate.slice(1).map((current, i) => [byDate[i]!, current]);
}

function valueJumpFlags(appraisals: readonly Appraisal[], options: FraudOptions): FraudFlag[] {
  return successivePairs(appraisals, (a) => a.effectiveDate).flatMap(([previous, current]) => {
    const rise = (current.appraisedValue - previous.appraisedValue) / previous.appraisedValue;
    if (
      rise <= options.valueJumpPct ||
      !isWithinMonths(previous.effectiveDate, current.effectiveDate, options.valueJumpMonths)
    )
      return [];
    return [
      flag(
        'VALUE_JUMP',
        `appraised ${usd(current.appraisedValue)} on ${current.effectiveDate}, ${pct(rise)} above ${usd(previous.appraisedValue)} on ${previous.effectiveDate} (limit ${pct(options.valueJumpPct)} within ${options.valueJumpMonths} months)`,
        current.appraisalId,
      ),
    ];
  });
}

function flipFlags(sales: NonNullable<Property['sales']>, options: FraudOptions): FraudFlag[] {
  return successivePairs(sales, (s) => s.date).flatMap(([previous, current]) => {
    const gain = (current.price - previous.price) / previous.price;
    if (gain <= options.flipGainPct || !isWithinMonths(previous.date, current.date, options.flipWindowMonths))
      return [];
    return [
      flag(
        'FLIP',
        `sold ${usd(current.price)} on ${current.date}, ${pct(gain)} above ${usd(previous.price)} on ${previous.date} (limit ${pct(options.flipGainPct)} within ${options.flipWindowMonths} months)`,
      ),
    ];
  });
}

/** The 0-100 score of a set of flags: each reason code's points once, capped at 100. */
export function fraudScoreFor(flags: readonly FraudFlag[]): number {
  const points = new Map<string, number>();
  for (const f of flags) points.set(f.code, Math.max(points.get(f.code) ?? 0, f.points));
  return Math.min(
    100,
    [...points.values()].reduce((sum, p) => sum + p, 0),
  );
}

/**
 * Screens one property with the rules. `currentValue` is the property's current AVM value when it has one
 * (the appraisal-above-AVM rule and appraiser inflation need it); `asOf` is "today".
 */
export function screenProperty(
  property: Pick<Property, 'locale' | 'appraisals' | 'sales'>,
  currentValue: number | undefined,
  asOf: Date,
  options: FraudOptions,
): FraudResult {
  const asOfDay = asOf.toISOString().slice(0, 10);
  const appraisals = property.appraisals ?? [];
  const flags: FraudFlag[] = [];
  const checks: AppraisalCheck[] = [];
  const jumps = valueJumpFlags(appraisals, options);
  for (const appraisal of appraisals) {
    const inflation = inflationVsAvm(appraisal, currentValue, asOfDay, options);
    const own = appraisalFlags(appraisal, property, inflation, options);
    flags.push(...own);
    const jumped = jumps.some((j) => j.appraisalId === appraisal.appraisalId);
    checks.push({
      appraisalId: appraisal.appraisalId,
      appraiserId: appraisal.appraiserId,
      ...(inflation !== undefined && { inflationPct: inflation }),
      flagged: own.length > 0 || jumped,
    });
  }
  flags.push(...jumps, ...flipFlags(property.sales ?? [], options));
  const total = fraudScoreFor(flags);
  return { score: total, flags, flagged: total >= options.flagThreshold, appraisals: checks };
}

/** Whether the rules found enough to pay for an AI review. */
export function needsAiReview(result: FraudResult, options: Pick<FraudOptions, 'aiReviewThreshold'>): boolean {
  return result.score >= options.aiReviewThreshold;
}

/** The screening with the AI reviewer's opinion attached. The score stays the rules' score: explainable. */
export function withAiReview(result: FraudResult, review: AiReview): FraudResult {
  return { ...result, aiReview: review };
}
