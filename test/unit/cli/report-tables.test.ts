import { describe, expect, it } from 'vitest';
import { analyzedProperty, fraudScreening } from '../../../src/domain/analysis.ts';
import { costRatesSchema } from '../../../src/domain/cost.ts';
import { fraudOptionsSchema } from '../../../src/domain/fraud.ts';
import { finalizeReport } from '../../../src/domain/report.ts';
import { riskOptionsSchema } from '../../../src/domain/risk.ts';
import { summarizeResults } from '../../../src/domain/summary.ts';
import { quoteBasis, valuationOptionsSchema } from '../../../src/domain/valuation.ts';
import { simulateAvmQuote } from '../../../src/providers/simulated-quotes.ts';
import { generatePortfolio } from '../../../examples/portfolio.ts';
import { pct, renderReport, usd } from '../../../cli/report-tables.ts';

const options = {
  valuation: valuationOptionsSchema.parse({}),
  risk: riskOptionsSchema.parse({}),
  fraud: fraudOptionsSchema.parse({}),
  costRates: costRatesSchema.parse({}),
};
const asOf = new Date('2026-11-01T00:00:00Z');

describe('renderReport', () => {
  const results = [...generatePortfolio({ size: 300 })].map(({ property }) => {
    const quote = simulateAvmQuote('avm-primary', property, asOf.toISOString());
    const basis = quoteBasis({ quote, withinMaxFsd: quote.fsd <= 0.13 }, 'avm');
    return analyzedProperty(
      {
        property,
        analysisType: 'comprehensive',
        basis,
        boughtValuation: true,
        screening: fraudScreening(property, basis, asOf, options.fraud),
        asOf,
      },
      options,
    );
  });
  const report = finalizeReport(summarizeResults(results), {
    portfolioId: 'p',
    jobId: 'j',
    analysisType: 'comprehensive',
    generatedAt: asOf.toISOString(),
  });
  const text = renderReport(report, {
    cost: { estimated: 24, actual: report.cost.total },
  });

  it('prints every section with the report figures', () => {
    for (const title of [
      'Portfolio',
      'Valuation change vs last appraisal',
      'Risk tiers',
      'Loans',
      'Fraud screening',
      'Concentration by state',
      'Property types',
      'Cost',
    ])
      expect(text).toContain(title);
    expect(text).toContain(`HHI ${Math.round(report.concentration.state.hhi).toLocaleString('en-US')}`);
    expect(text).toContain(usd(report.valuation.totalValue));
    expect(text).toContain(pct(report.risk.weightedLtv));
    expect(text).toContain('$24.00');
  });

  it('formats money and shares, and shows a dash for what is missing', () => {
    expect(usd(1234567.4)).toBe('$1,234,567');
    expect(usd(0.08)).toBe('$0.08');
    expect(pct(0.1234)).toBe('12.3%');
    expect(usd(undefined)).toBe('-');
    expect(renderReport({})).toContain('-');
  });
});
