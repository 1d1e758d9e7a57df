// fast-check arbitraries for PropertyResult: valid against propertyResultSchema, drawn from small key sets
// (states, counties, ZIPs, appraisers, reason codes) so that summaries share groups and merges add into them,
// and with values that stress the units: cents, fractional scores, LTV and value change beyond the bins.
import fc from 'fast-check';
import { PROPERTY_TYPES } from '../../../src/domain/schemas.ts';
import {
  RISK_TIERS,
  VALUE_SOURCES,
  propertyResultSchema,
  type PropertyResult,
  type ValueBand,
} from '../../../src/domain/results.ts';

const STATES = ['TX', 'CA', 'NY', 'FL', 'WY'] as const;
const COUNTIES = ['Travis', 'Harris', 'Kings', ' Dade '] as const;
const ZIPS = ['78701', '78701-1234', '10001', '02134', '01001-0001', '94105', '82001'] as const;
// 'constructor' and 'toString' name members of Object.prototype: a plain lookup would find them.
const APPRAISERS = ['APR-1', 'APR-2', 'APR-3', 'constructor', 'toString'] as const;
const REASONS = ['APPRAISAL_ABOVE_AVM', 'FLIP', 'STALE_COMPARABLES', 'ROUND_NUMBER'] as const;

/** A dollar amount with cents, between min and max dollars. */
const dollarsWithCents = (min: number, max: number) =>
  fc.integer({ min: min * 100, max: max * 100 }).map((c) => c / 100);

function valueBandOf(value: number): ValueBand {
  if (value < 200_000) return 'under-200k';
  if (value < 500_000) return '200k-500k';
  if (value < 1_000_000) return '500k-1m';
  return 'over-1m';
}

const valuationArb = fc
  .record({
    source: fc.constantFrom(...VALUE_SOURCES),
    estimatedValue: dollarsWithCents(20_000, 5_000_000),
    // Up to 3x the current value, so some changes fall below -50%, and as low as 0.2x so some exceed +100%.
    lastAppraisedRatio: fc.option(fc.double({ min: 0.2, max: 3, noNaN: true }), { nil: undefined }),
  })
  .map(({ source, estimatedValue, lastAppraisedRatio }) => {
    const lastAppraisedValue =
      lastAppraisedRatio === undefined ? undefined : Math.round(estimatedValue * lastAppraisedRatio * 100) / 100;
    const changeAmount = lastAppraisedValue === undefined ? undefined : estimatedValue - lastAppraisedValue;
    const changePct =
      lastAppraisedValue === undefined || changeAmount === undefined ? undefined : changeAmount / lastAppraisedValue;
    return {
      source,
      ...(source !== 'appraisal' && { provider: 'avm-primary' }),
      estimatedValue,
      withinMaxFsd: true,
      cascade:
        source === 'avm'
          ? [
              { provider: 'avm-secondary', error: 'no_value' },
              { provider: 'avm-primary', fsd: 0.085 },
            ]
          : [],
      valuedAt: '2025-06-01T00:00:00.000Z',
      lastAppraisedValue,
      changeAmount,
      changePct,
      significantChange: changePct !== undefined && Math.abs(changePct) >= 0.1,
      valueBand: valueBandOf(estimatedValue),
    };
  });

/** Risk for a given current value: a loan up to 2.5x the value (so some LTVs exceed the 200% bin range). */
const riskArb = (value: number) =>
  fc
    .record({
      loan: fc.option(
        fc.record({
          balance: dollarsWithCents(0, Math.ceil(value * 2.5)),
          second: fc.option(dollarsWithCents(0, 200_000), { nil: undefined }),
        }),
        {
          nil: undefined,
        },
      ),
      tier: fc.constantFrom(...RISK_TIERS),
    })
    .map(({ loan, tier }) => {
      const ltv = loan ? loan.balance / value : undefined;
      const second = loan?.second ?? 0;
      const cltv = loan ? (loan.balance + second) / value : undefined;
      return {
        ltv,
        cltv,
        ...(loan && { firstLienBalance: loan.balance, secondLienBalance: second }),
        baseTier: tier,
        tier,
        downgradeReasons: tier === 'D' ? ['WEAK_FSD' as const] : [],
        preDistressed: cltv !== undefined && cltv > 0.9,
        basis: ltv === undefined ? ('no-loan' as const) : second > 0 ? ('cltv' as const) : ('ltv' as const),
      };
    });

const fraudArb = fc
  .record({
    score: fc.integer({ min: 0, max: 10_000 }).map((h) => h / 100),
    codes: fc.array(fc.constantFrom(...REASONS), { maxLength: 3 }),
    appraisals: fc.array(
      fc.record({
        appraisalId: fc.nat(999).map((n) => `A-${n}`),
        appraiserId: fc.constantFrom(...APPRAISERS),
        inflationPct: fc.option(fc.double({ min: -0.5, max: 2, noNaN: true }), { nil: undefined }),
        flagged: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    aiVerdict: fc.option(fc.constantFrom('clear' as const, 'review' as const, 'refer' as const), { nil: undefined }),
  })
  .map(({ score, codes, appraisals, aiVerdict }) => ({
    score,
    flags: codes.map((code) => ({ code, points: 20, detail: code })),
    flagged: score >= 60,
    appraisals,
    aiReview: aiVerdict && { provider: 'sandbox-ai', riskScore: score, verdict: aiVerdict, summary: 'reviewed' },
  }));

const costArb = fc
  .record({ valuation: fc.constantFrom(0, 0.02), fraud: fc.constantFrom(0, 0.05), risk: fc.constantFrom(0, 0.01) })
  .map((c) => ({ ...c, total: c.valuation + c.fraud + c.risk }));

const placeArb = fc.record({
  propertyId: fc.nat(1_000_000).map((n) => `P-${n}`),
  state: fc.constantFrom(...STATES),
  county: fc.option(fc.constantFrom(...COUNTIES), { nil: undefined }),
  zip: fc.constantFrom(...ZIPS),
  propertyType: fc.constantFrom(...PROPERTY_TYPES),
  cost: costArb,
  cachedValuation: fc.boolean(),
});

const analyzedArb = fc
  .tuple(placeArb, fc.option(valuationArb, { nil: undefined }), fc.option(fraudArb, { nil: undefined }))
  .chain(([place, valuation, fraud]) =>
    (valuation ? fc.option(riskArb(valuation.estimatedValue), { nil: undefined }) : fc.constant(undefined)).map(
      (risk): PropertyResult => ({ ...place, status: 'analyzed', valuation, risk, fraud }),
    ),
  );

const failedArb = fc
  .tuple(placeArb, fc.constantFrom('AVM_UNAVAILABLE', 'NO_VALUE_BASIS'))
  .map(([place, code]): PropertyResult => ({ ...place, status: 'failed', error: { code, message: 'no value' } }));

/** One valid PropertyResult (checked against propertyResultSchema, so the arbitrary cannot drift from the contract). */
export const propertyResultArb: fc.Arbitrary<PropertyResult> = fc
  .oneof({ arbitrary: analyzedArb, weight: 5 }, { arbitrary: failedArb, weight: 1 })
  .map((result) => propertyResultSchema.parse(result));

export const propertyResultsArb = (maxLength = 30) => fc.array(propertyResultArb, { maxLength });
