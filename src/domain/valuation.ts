// Valuation: which AVM answer to trust, and what the value says against the last appraisal (DESIGN §4).
import { z } from 'zod';
import { benchmarkFor } from './avm-accuracy.ts';
import { toCents } from './money.ts';
import {
  VALUE_BANDS,
  type AvmQuote,
  type Benchmark,
  type CascadeAttempt,
  type ValuationResult,
  type ValueBand,
  type ValueSource,
} from './results.ts';
import type { Property } from './schemas.ts';

export const valuationOptionsSchema = z.object({
  /** Largest forecast standard deviation the cascade accepts (0.13 = +/-13% at one sigma). */
  maxFsd: z.number().min(0).max(1).default(0.13),
  /** |change vs last appraisal| at or above this fraction is significant (0.10 = 10%). */
  significantChangePct: z.number().gt(0).max(10).default(0.1),
});
export type ValuationOptions = z.infer<typeof valuationOptionsSchema>;

export interface QuoteChoice {
  quote: AvmQuote;
  /** True when the chosen quote's FSD is at or under maxFsd. */
  withinMaxFsd: boolean;
}

/**
 * The cascade rule of DESIGN §4: take the first quote (in cascade order) whose FSD is at or under
 * `maxFsd`; when none qualifies, keep the most confident one (lowest FSD, earliest on ties).
 * Returns undefined for an empty list.
 */
export function chooseQuote(quotes: readonly AvmQuote[], maxFsd: number): QuoteChoice | undefined {
  const accepted = quotes.find((q) => q.fsd <= maxFsd);
  if (accepted) return { quote: accepted, withinMaxFsd: true };
  let best: AvmQuote | undefined;
  for (const q of quotes) if (best === undefined || q.fsd < best.fsd) best = q;
  return best && { quote: best, withinMaxFsd: false };
}

/** The seed's value bands: under $200k, $200k to under $500k, $500k to under $1m, $1m and over. */
export function valueBandFor(value: number): ValueBand {
  if (value < 200_000) return VALUE_BANDS[0];
  if (value < 500_000) return VALUE_BANDS[1];
  if (value < 1_000_000) return VALUE_BANDS[2];
  return VALUE_BANDS[3];
}

export interface ValueChange {
  changeAmount: number;
  /** As a fraction of the last appraised value (-0.12 = down 12%). */
  changePct: number;
  significantChange: boolean;
}

/** Current value against the last appraisal; significant when |change| >= significantChangePct. */
export function changeVsAppraisal(
  currentValue: number,
  lastAppraisedValue: number,
  significantChangePct: number,
): ValueChange {
  const changeAmount = currentValue - lastAppraisedValue;
  const changePct = changeAmount / lastAppraisedValue;
  // Compare in millionths so that a 10% change computed as 0.1 + 1e-17 still counts as exactly 10%.
  const significantChange = Math.round(Math.abs(changePct) * 1e6) >= Math.round(significantChangePct * 1e6);
  return { changeAmount, changePct, significantChange };
}

/**
 * What a property's current value rests on: a quote (bought now, replayed from the cache or a stored
 * result) or, when no AVM value exists, the last appraisal.
 */
export interface ValueBasis {
  source: ValueSource;
  estimatedValue: number;
  valuedAt: string;
  provider?: string | undefined;
  fsd?: number | undefined;
  withinMaxFsd: boolean;
  cascade: CascadeAttempt[];
}

export function quoteBasis(
  choice: QuoteChoice,
  source: Exclude<ValueSource, 'appraisal'>,
  cascade: CascadeAttempt[] = [],
): ValueBasis {
  const { quote, withinMaxFsd } = choice;
  return {
    source,
    estimatedValue: quote.estimatedValue,
    valuedAt: quote.valuedAt,
    provider: quote.provider,
    fsd: quote.fsd,
    withinMaxFsd,
    cascade,
  };
}

/** The last appraisal as a value basis, when the property has one (no AVM value: a weak basis for risk). */
export function appraisalBasis(
  property: Pick<Property, 'lastAppraisedValue' | 'lastAppraisalDate'>,
): ValueBasis | undefined {
  const { lastAppraisedValue, lastAppraisalDate } = property;
  if (lastAppraisedValue === undefined || lastAppraisalDate === undefined) return undefined;
  return {
    source: 'appraisal',
    estimatedValue: lastAppraisedValue,
    valuedAt: lastAppraisalDate,
    withinMaxFsd: false,
    cascade: [],
  };
}

/**
 * The benchmark of an AVM value as of `asOf` (see avm-accuracy.ts), with the value's error against it
 * computed on whole cents; undefined for an appraisal basis (no AVM value to check) or without a benchmark.
 */
export function benchmarkOf(
  property: Parameters<typeof benchmarkFor>[0],
  basis: Pick<ValueBasis, 'source' | 'estimatedValue'>,
  asOf: Date,
): Benchmark | undefined {
  if (basis.source === 'appraisal') return undefined;
  const choice = benchmarkFor(property, asOf);
  if (!choice) return undefined;
  const benchmarkCents = toCents(choice.value);
  return { ...choice, errorPct: (toCents(basis.estimatedValue) - benchmarkCents) / benchmarkCents };
}

/**
 * The valuation result of a property on a basis, as of `asOf` (the analysis date, for the benchmark). An
 * appraisal basis has no change vs appraisal: it is the appraisal, and comparing it with itself would report
 * a reassuring 0%.
 */
export function valuationResultFor(
  property: Pick<Property, 'lastAppraisedValue' | 'lastAppraisalDate' | 'sales' | 'appraisals'>,
  basis: ValueBasis,
  options: Pick<ValuationOptions, 'significantChangePct'>,
  asOf: Date,
): ValuationResult {
  const { lastAppraisedValue } = property;
  const change =
    basis.source !== 'appraisal' && lastAppraisedValue !== undefined
      ? changeVsAppraisal(basis.estimatedValue, lastAppraisedValue, options.significantChangePct)
      : undefined;
  const benchmark = benchmarkOf(property, basis, asOf);
  return {
    source: basis.source,
    ...(basis.provider !== undefined && { provider: basis.provider }),
    estimatedValue: basis.estimatedValue,
    ...(basis.fsd !== undefined && { fsd: basis.fsd }),
    withinMaxFsd: basis.withinMaxFsd,
    cascade: basis.cascade.map((a) => ({ ...a })),
    valuedAt: basis.valuedAt,
    ...(lastAppraisedValue !== undefined && { lastAppraisedValue }),
    ...(change && { changeAmount: change.changeAmount, changePct: change.changePct }),
    significantChange: change?.significantChange ?? false,
    valueBand: valueBandFor(basis.estimatedValue),
    ...(benchmark && { benchmark }),
  };
}
