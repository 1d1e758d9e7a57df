// One property's analysis, composed from valuation, risk and fraud (DESIGN §4). Pure: the caller (the
// analyzeChunk activity) does the I/O — buying or replaying the value, asking the AI reviewer — and hands
// the answers in; this decides what the result says and what it cost.
import { propertyCost, type PriceTable } from './cost.ts';
import { fraudOptionsSchema, screenProperty, withAiReview, type FraudOptions } from './fraud.ts';
import type { AiReview, FraudResult, PropertyError, PropertyResult, Purchase } from './results.ts';
import { riskFor, type RiskOptions } from './risk.ts';
import type { AnalysisType, Property } from './schemas.ts';
import { valuationResultFor, type ValuationOptions, type ValueBasis } from './valuation.ts';

export interface AnalysisOptions {
  valuation: ValuationOptions;
  risk: RiskOptions;
  fraud: FraudOptions;
  /** Prices in cents: the risk charge, and what each kind of answer costs. */
  prices: PriceTable;
}

/** Whether the analysis type buys AVM values (`risk` and `fraud` alone reuse stored ones). */
export function buysValuations(analysisType: AnalysisType): boolean {
  return analysisType === 'valuation' || analysisType === 'comprehensive';
}

export const includesRisk = (analysisType: AnalysisType): boolean =>
  analysisType === 'risk' || analysisType === 'comprehensive';
export const includesFraud = (analysisType: AnalysisType): boolean =>
  analysisType === 'fraud' || analysisType === 'comprehensive';

/** The rules' screening, before any AI review; `basis` gives the current value when it is an AVM value. */
export function fraudScreening(
  property: Property,
  basis: ValueBasis | undefined,
  asOf: Date,
  options: FraudOptions = fraudOptionsSchema.parse({}),
): FraudResult {
  const currentValue = basis && basis.source !== 'appraisal' ? basis.estimatedValue : undefined;
  return screenProperty(property, currentValue, asOf, options);
}

export interface PropertyAnalysisInput {
  property: Property;
  analysisType: AnalysisType;
  /** The value the analysis rests on; undefined when none exists (no AVM value and no appraisal). */
  basis: ValueBasis | undefined;
  /** The answers billed for this property in this job (AVM answers, AI review): its cost. */
  purchases: readonly Purchase[];
  /** The rules' screening (fraud types); computed by `fraudScreening` so the caller can decide on review. */
  screening?: FraudResult | undefined;
  aiReview?: AiReview | undefined;
  asOf: Date;
}

function base(property: Property): Pick<PropertyResult, 'propertyId' | 'state' | 'zip' | 'propertyType' | 'address'> & {
  unit?: string;
  county?: string;
  countyFips?: string;
  city?: string;
} {
  return {
    propertyId: property.propertyId,
    address: property.address,
    ...(property.unit !== undefined && { unit: property.unit }),
    ...(property.city !== undefined && { city: property.city }),
    state: property.state,
    zip: property.zip,
    propertyType: property.propertyType,
    ...(property.county !== undefined && { county: property.county }),
    ...(property.countyFips !== undefined && { countyFips: property.countyFips }),
  };
}

export function analyzedProperty(input: PropertyAnalysisInput, options: AnalysisOptions): PropertyResult {
  const { property, analysisType, basis, asOf, purchases } = input;
  if (!basis && analysisType !== 'fraud') {
    return failedProperty(property, noValueBasis(analysisType), purchases, options.prices);
  }
  const valuation = basis && valuationResultFor(property, basis, options.valuation, asOf);
  const risk = valuation && includesRisk(analysisType) ? riskFor(property, valuation, asOf, options.risk) : undefined;
  const screening = includesFraud(analysisType)
    ? (input.screening ?? fraudScreening(property, basis, asOf, options.fraud))
    : undefined;
  const fraud = screening && input.aiReview ? withAiReview(screening, input.aiReview) : screening;
  return {
    ...base(property),
    status: 'analyzed',
    ...(valuation && { valuation }),
    ...(risk && { risk }),
    ...(fraud && { fraud }),
    cost: propertyCost(purchases, risk !== undefined, options.prices),
    ...(purchases.length > 0 && { purchases: [...purchases] }),
    cachedValuation: basis?.source === 'cache',
  };
}

/**
 * Why a property has no value to analyse on. A valuation run asked the AVMs (their failure has its own
 * code); `risk` buys no AVM value, so there it means nothing was stored and nothing was appraised.
 */
function noValueBasis(analysisType: AnalysisType): PropertyError {
  return {
    code: 'NO_VALUE_BASIS',
    message: buysValuations(analysisType)
      ? 'no AVM value and no last appraisal to value the property on'
      : 'no stored valuation and no appraisal on file (risk runs buy no AVM value: run a valuation first, or give lastAppraisedValue and lastAppraisalDate)',
  };
}

/**
 * A property that could not be analysed: recorded with its reason, never failing the chunk. It keeps the
 * answers already bought for it (and their cost), so a retry or a redrive reuses them instead of buying again.
 */
export function failedProperty(
  property: Property,
  error: PropertyError,
  purchases: readonly Purchase[],
  prices: PriceTable,
): PropertyResult {
  return {
    ...base(property),
    status: 'failed',
    error,
    cost: propertyCost(purchases, false, prices),
    ...(purchases.length > 0 && { purchases: [...purchases] }),
    cachedValuation: false,
  };
}
