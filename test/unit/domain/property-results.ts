// Hand-built PropertyResults for tests with hand-computed expectations: say what matters (value, last
// appraisal, loan, fraud), get a result consistent with it (change, bands, LTV, tier) and with the schema.
import type { PropertyType, UsState } from '../../../src/domain/schemas.ts';
import {
  propertyResultSchema,
  type Cost,
  type FraudResult,
  type PropertyResult,
  type RiskTier,
  type ValueBand,
  type ValueSource,
} from '../../../src/domain/results.ts';

export interface ResultSpec {
  id: string;
  /** Current value; no valuation (and so no risk) when absent. */
  value?: number;
  lastAppraisedValue?: number;
  source?: ValueSource;
  state?: UsState;
  county?: string;
  zip?: string;
  propertyType?: PropertyType;
  loan?: { balance: number; secondLienBalance?: number };
  /** Risk tier; defaults to the tier of DESIGN §4 (on CLTV with a second lien) with a loan, none without one. */
  tier?: RiskTier;
  /** Reasons the tier was lowered a step (the tier given is the lowered one). */
  downgradeReasons?: Array<'WEAK_FSD' | 'STALE_VALUATION' | 'APPRAISAL_ONLY'>;
  provider?: string;
  benchmark?: { kind: 'sale' | 'appraisal'; value: number };
  fraud?: Partial<FraudResult>;
  cost?: Partial<Cost>;
  cachedValuation?: boolean;
}

function valueBandOf(value: number): ValueBand {
  if (value < 200_000) return 'under-200k';
  if (value < 500_000) return '200k-500k';
  if (value < 1_000_000) return '500k-1m';
  return 'over-1m';
}

function ltvTier(ltv: number): RiskTier {
  if (ltv <= 0.6) return 'A';
  if (ltv <= 0.8) return 'B';
  if (ltv <= 0.9) return 'C';
  return 'D';
}

export function analyzedResult(spec: ResultSpec): PropertyResult {
  const { value, lastAppraisedValue: last, loan } = spec;
  const changePct = value === undefined || last === undefined ? undefined : (value - last) / last;
  const valuation =
    value === undefined
      ? undefined
      : {
          source: spec.source ?? 'avm',
          provider: spec.source === 'appraisal' ? undefined : (spec.provider ?? 'avm-primary'),
          estimatedValue: value,
          withinMaxFsd: true,
          cascade: [],
          valuedAt: '2025-06-01T00:00:00.000Z',
          lastAppraisedValue: last,
          changeAmount: last === undefined ? undefined : value - last,
          changePct,
          significantChange: changePct !== undefined && Math.abs(changePct) >= 0.1,
          valueBand: valueBandOf(value),
          benchmark: spec.benchmark && {
            ...spec.benchmark,
            date: '2025-03-01',
            errorPct: (value - spec.benchmark.value) / spec.benchmark.value,
          },
        };
  const ltv = loan && value !== undefined ? loan.balance / value : undefined;
  const second = loan?.secondLienBalance ?? 0;
  const cltv = loan && value !== undefined ? (loan.balance + second) / value : undefined;
  const basis = ltv === undefined ? ('no-loan' as const) : second > 0 ? ('cltv' as const) : ('ltv' as const);
  const ratio = basis === 'cltv' ? cltv : ltv;
  const tier = spec.tier ?? (ratio === undefined ? undefined : ltvTier(ratio));
  const risk =
    tier === undefined || value === undefined
      ? undefined
      : {
          ltv,
          cltv,
          ...(loan && { firstLienBalance: loan.balance, secondLienBalance: second }),
          baseTier: tier,
          tier,
          downgradeReasons: spec.downgradeReasons ?? [],
          preDistressed: ratio !== undefined && ratio > 0.9,
          basis,
        };
  const fraud = spec.fraud && { score: 0, flags: [], flagged: false, appraisals: [], ...spec.fraud };
  const cost = { valuation: 0, fraud: 0, risk: 0, ...spec.cost };
  return propertyResultSchema.parse({
    propertyId: spec.id,
    status: 'analyzed',
    state: spec.state ?? 'TX',
    county: spec.county,
    zip: spec.zip ?? '78701',
    propertyType: spec.propertyType ?? 'SFR',
    valuation,
    risk,
    fraud,
    cost: { ...cost, total: spec.cost?.total ?? cost.valuation + cost.fraud + cost.risk },
    cachedValuation: spec.cachedValuation ?? false,
  });
}

export function failedResult(
  id: string,
  cost: Partial<Cost> = {},
  state: UsState = 'TX',
  code = 'AVM_UNAVAILABLE',
): PropertyResult {
  const c = { valuation: 0, fraud: 0, risk: 0, ...cost };
  return propertyResultSchema.parse({
    propertyId: id,
    status: 'failed',
    error: { code, message: 'every provider failed' },
    state,
    zip: '78701',
    propertyType: 'SFR',
    cost: { ...c, total: cost.total ?? c.valuation + c.fraud + c.risk },
    cachedValuation: false,
  });
}

const FULL_COST = { valuation: 0.02, fraud: 0.05, risk: 0.01 };

/**
 * A small portfolio whose report is computed by hand in report.test.ts:
 * five analysed properties in TX, CA and NY (values 400k, 600k, 1M, 200k, 300k) and one failure.
 */
export function samplePortfolio(): PropertyResult[] {
  return [
    analyzedResult({
      id: 'P1',
      value: 400_000,
      lastAppraisedValue: 500_000,
      county: 'Travis',
      zip: '78701',
      loan: { balance: 240_000 },
      fraud: { score: 10 },
      cost: FULL_COST,
    }),
    analyzedResult({
      id: 'P2',
      value: 600_000,
      lastAppraisedValue: 500_000,
      county: 'Harris',
      zip: '77002',
      loan: { balance: 480_000, secondLienBalance: 60_000 },
      fraud: {
        score: 70,
        flagged: true,
        flags: [
          { code: 'APPRAISAL_ABOVE_AVM', points: 40, detail: 'appraised 25% above AVM', appraisalId: 'AP-1' },
          { code: 'FLIP', points: 30, detail: 'resold at +40% within 8 months' },
        ],
        appraisals: [{ appraisalId: 'AP-1', appraiserId: 'APR-9', inflationPct: 0.25, flagged: true }],
        aiReview: { provider: 'sandbox-ai', riskScore: 80, verdict: 'refer', summary: 'refer to investigator' },
      },
      cost: FULL_COST,
    }),
    analyzedResult({
      id: 'P3',
      value: 1_000_000,
      state: 'CA',
      county: 'San Francisco',
      zip: '94105',
      propertyType: 'CONDO',
      loan: { balance: 950_000 },
      fraud: { score: 30 },
      cost: FULL_COST,
    }),
    analyzedResult({
      id: 'P4',
      value: 200_000,
      state: 'CA',
      county: 'San Francisco',
      zip: '94105',
      propertyType: 'CONDO',
      tier: 'B',
      cost: FULL_COST,
    }),
    analyzedResult({
      id: 'P5',
      value: 300_000,
      lastAppraisedValue: 300_000,
      source: 'cache',
      cachedValuation: true,
      state: 'NY',
      county: 'Kings',
      zip: '11201',
      propertyType: 'MULTI_2_4',
      cost: { fraud: 0.05, risk: 0.01 },
    }),
    failedResult('P6', { valuation: 0.02 }),
  ];
}
