// Cost: the price table, the estimate (the cascade's worst case, a true upper bound) and what a property
// actually cost (the vendors' bill for it). Money is counted in whole cents, so totals are exact: 10,000
// properties at $0.10 each cost exactly $1,000.00, not 999.9999999999.
//
// What is billed (DESIGN §4): every AVM answer the cascade receives, at the price of the provider that
// answered (a cascade that asks a second provider pays both); every AI review answered; the risk charge per
// property risk-scored. Answers reused from the cross-job cache cost nothing. The estimate assumes the worst
// for every property (each AVM of the cascade answers, each property gets an AI review), so the bill can
// never pass it; each chunk reserves its own worst case against the budget the same way.
import { z } from 'zod';
import { centsToDollars as toDollars, toCents } from './money.ts';
import type { Cost, Purchase } from './results.ts';
import type { AnalysisType } from './schemas.ts';

const wholeCents = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9;
const rate = z.number().min(0).max(1_000).refine(wholeCents, 'must be a whole number of cents');

/** `provider=dollars` (e.g. `avm-secondary=0.03`), the form of one AVM_PRICES entry. */
const providerPrice = z
  .string()
  .regex(/^[^=\s]+=\d+(\.\d+)?$/, 'must be provider=dollars, e.g. avm-secondary=0.03')
  .transform((entry) => {
    const [provider, dollars] = entry.split('=') as [string, string];
    return [provider, Number(dollars)] as const;
  })
  .pipe(z.tuple([z.string(), rate]));

/** Dollars per unit of work (seed: AVM $0.02, AI fraud review $0.05, risk $0.01), settable per AVM provider. */
export const costRatesSchema = z.object({
  /** Per AVM answer, for every provider without its own price in `avmPrices`. */
  valuation: rate.default(0.02),
  /** Per AVM answer of a named provider (dollars, whole cents): overrides `valuation` for that provider. */
  avmPrices: z.array(providerPrice).default([]),
  /** Per AI fraud review answered. */
  fraud: rate.default(0.05),
  /** Per property risk-scored (the seed's charge; no vendor call). */
  risk: rate.default(0.01),
});
export type CostRates = z.infer<typeof costRatesSchema>;

export const COST_COMPONENTS = ['valuation', 'fraud', 'risk'] as const;
export type CostComponent = (typeof COST_COMPONENTS)[number];

/** What each analysis type may pay for. */
export function componentsFor(analysisType: AnalysisType): readonly CostComponent[] {
  return analysisType === 'comprehensive' ? COST_COMPONENTS : [analysisType];
}

/**
 * Prices in whole cents, the form every cost computation uses: each AVM provider of the cascade (in cascade
 * order) per answer, the AI review per answer, the risk charge per property.
 */
export interface PriceTable {
  avm: ReadonlyArray<{ provider: string; cents: number }>;
  review: number;
  risk: number;
}

/** The price table of a cascade under `rates` (a provider without its own price costs `rates.valuation`). */
export function priceTable(rates: CostRates, cascade: readonly string[]): PriceTable {
  const own = new Map(rates.avmPrices);
  return {
    avm: cascade.map((provider) => ({ provider, cents: toCents(own.get(provider) ?? rates.valuation) })),
    review: toCents(rates.fraud),
    risk: toCents(rates.risk),
  };
}

/** Cents of one answer of `provider` (0 for a provider outside the table: nothing is known to bill). */
export function avmPriceCents(table: PriceTable, provider: string): number {
  return table.avm.find((p) => p.provider === provider)?.cents ?? 0;
}

/** The worst case of one property per component, in cents: every AVM of the cascade answers, and an AI review. */
function worstCaseComponents(analysisType: AnalysisType, table: PriceTable): Partial<Record<CostComponent, number>> {
  const all: Record<CostComponent, number> = {
    valuation: table.avm.reduce((sum, p) => sum + p.cents, 0),
    fraud: table.review,
    risk: table.risk,
  };
  return Object.fromEntries(componentsFor(analysisType).map((c) => [c, all[c]]));
}

/** Most one property of `analysisType` can cost, in cents: what a chunk reserves per property. */
export function worstCaseCentsPerProperty(analysisType: AnalysisType, table: PriceTable): number {
  return Object.values(worstCaseComponents(analysisType, table)).reduce((sum, cents) => sum + cents, 0);
}

/** Most one paid call can cost, in cents: the bound on a call whose answer a crash may have lost. */
export function largestCallCents(analysisType: AnalysisType, table: PriceTable): number {
  const components = componentsFor(analysisType);
  return Math.max(
    0,
    ...(components.includes('valuation') ? table.avm.map((p) => p.cents) : []),
    ...(components.includes('fraud') ? [table.review] : []),
  );
}

export const costBreakdownSchema = z.object({
  properties: z.number().int(),
  analysisType: z.string(),
  /**
   * Most one property can cost, dollars, per component the analysis type includes (valuation: every AVM of the
   * cascade).
   */
  perProperty: z.partialRecord(z.enum(COST_COMPONENTS), z.number()),
  /** Dollars per component for the whole portfolio. */
  components: z.partialRecord(z.enum(COST_COMPONENTS), z.number()),
  /** The AVM cascade the valuation component assumes, each provider with its price per answer (dollars). */
  cascade: z.array(z.object({ provider: z.string(), price: z.number() })).optional(),
  total: z.number(),
});
export type CostBreakdown = z.infer<typeof costBreakdownSchema>;

/**
 * The estimate: every property pays the worst case of its analysis type (each AVM of the cascade answers,
 * each property is reviewed). A true upper bound on the bill, which budget checks and reservations need.
 */
export function estimateCost(properties: number, analysisType: AnalysisType, table: PriceTable): CostBreakdown {
  const worst = worstCaseComponents(analysisType, table);
  const perProperty: Partial<Record<CostComponent, number>> = {};
  const components: Partial<Record<CostComponent, number>> = {};
  let totalCents = 0;
  for (const [component, cents] of Object.entries(worst) as Array<[CostComponent, number]>) {
    perProperty[component] = toDollars(cents);
    components[component] = toDollars(cents * properties);
    totalCents += cents * properties;
  }
  return {
    properties,
    analysisType,
    perProperty,
    components,
    ...(worst.valuation !== undefined && {
      cascade: table.avm.map((p) => ({ provider: p.provider, price: toDollars(p.cents) })),
    }),
    total: toDollars(totalCents),
  };
}

/** The estimate in whole cents, for reservations and budget checks done in integers. */
export function estimateCents(properties: number, analysisType: AnalysisType, table: PriceTable): number {
  return worstCaseCentsPerProperty(analysisType, table) * properties;
}

/**
 * What one property cost, in dollars (whole cents): the answers bought for it (AVM answers are the valuation
 * component, AI reviews the fraud component) plus the risk charge when it was risk-scored.
 */
export function propertyCost(purchases: readonly Purchase[], riskScored: boolean, table: PriceTable): Cost {
  const valuation = purchases.filter((p) => p.kind === 'avm').reduce((sum, p) => sum + p.cents, 0);
  const fraud = purchases.filter((p) => p.kind === 'review').reduce((sum, p) => sum + p.cents, 0);
  const risk = riskScored ? table.risk : 0;
  return {
    valuation: toDollars(valuation),
    fraud: toDollars(fraud),
    risk: toDollars(risk),
    total: toDollars(valuation + fraud + risk),
  };
}
