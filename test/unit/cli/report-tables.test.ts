import { beforeAll, describe, expect, it } from 'vitest';
import { analyzedProperty, fraudScreening } from '../../../src/domain/analysis.ts';
import { costRatesSchema, priceTable } from '../../../src/domain/cost.ts';
import { fraudOptionsSchema } from '../../../src/domain/fraud.ts';
import type { DataQuality } from '../../../src/domain/data-quality.ts';
import type { PortfolioReport } from '../../../src/domain/report.ts';
import { riskOptionsSchema } from '../../../src/domain/risk.ts';
import { quoteBasis, valuationOptionsSchema } from '../../../src/domain/valuation.ts';
import { simulateAvmQuote } from '../../../src/providers/simulated-quotes.ts';
import { generatePortfolio } from '../../../examples/portfolio.ts';
import { hhiText } from '../../../src/domain/hhi.ts';
import { pct, renderReport, usd } from '../../../cli/report-tables.ts';
import { reportOf } from '../domain/report-fixtures.ts';
import { analyzedResult, failedResult } from '../domain/property-results.ts';

const options = {
  valuation: valuationOptionsSchema.parse({}),
  risk: riskOptionsSchema.parse({}),
  fraud: fraudOptionsSchema.parse({}),
  prices: priceTable(costRatesSchema.parse({}), ['avm-primary']),
};
const asOf = new Date('2026-11-01T00:00:00Z');

describe('renderReport', () => {
  const results = [...generatePortfolio({ size: 300 })].map(({ property }) => {
    const quote = simulateAvmQuote('avm-primary', property, asOf.toISOString());
    const basis = quoteBasis({ quote, withinMaxFsd: quote.fsd <= 0.13 }, 'avm', [
      { provider: 'avm-primary', fsd: quote.fsd },
    ]);
    return analyzedProperty(
      {
        property,
        analysisType: 'comprehensive',
        basis,
        purchases: [{ kind: 'avm' as const, provider: 'avm-primary', cents: 2, at: asOf.toISOString(), quote }],
        screening: fraudScreening(property, basis, asOf, options.fraud),
        asOf,
      },
      options,
    );
  });
  let report: PortfolioReport;
  let text: string;
  beforeAll(async () => {
    report = await reportOf(results, { asOf: asOf.toISOString(), previous: results.slice(0, 200) });
    text = renderReport(report, { cost: { estimated: 24, actual: report.cost.total } });
  });

  it('prints every section with the report figures', () => {
    for (const title of [
      'Portfolio',
      'Valuation change vs last appraisal',
      `Risk tiers of the ${report.risk.loans} loans (on CLTV where a second lien exists`,
      'Properties without a loan (not in the loan tiers)',
      'Loans',
      `Fraud screening: ${report.fraud.flagged} flagged of 300 screened`,
      `among the ${report.fraud.flagged} flagged`,
      'AVM providers: the 300 properties valued by the cascade in this run',
      'AVM accuracy',
      'Concentration by state',
      'Property types',
      `Stress scenarios: the ${report.stress.loans} loans`,
      'Tier migration under "values -30%"',
      'Like-for-like vs job job-0',
      'the 200 properties analysed in both runs (100 added, 0 removed',
      'Findings: none',
      'Cost',
    ])
      expect(text).toContain(title);
    expect(text).toContain(`HHI ${hhiText(report.concentration.state.hhi)} (${report.concentration.state.band})`);
    expect(text).toContain(usd(report.valuation.totalValue));
    expect(text).toContain(pct(report.risk.weightedLtv));
    expect(text).toContain('(±0.5 pt)'); // a binned quantile says so
    expect(text).toContain('$24.00');
    expect(text).not.toContain('PARTIAL');
  });

  it('prints the data-quality account: rows read, analysed and skipped, each warning with its count', () => {
    const dataQuality: DataQuality = {
      format: { kind: 'csv', encoding: 'windows-1252', separator: ';', decimalComma: true },
      invalidRows: 'skip',
      rows: 302,
      accepted: 300,
      skipped: 2,
      skippedRows: [
        {
          at: 'row 7',
          row: 7,
          propertyId: 'P-6',
          reasons: [{ path: 'row 7, column zip', code: 'INVALID_ZIP', message: "'ABC' is not a ZIP: write 02134" }],
        },
      ],
      warnings: [
        {
          code: 'ZIP4_DASH',
          field: 'zip',
          count: 1,
          message: '1 ZIP+4 code written without a dash was normalised to 12345-6789',
          examples: [],
        },
      ],
    };
    const printed = renderReport({ ...report, dataQuality });
    expect(printed).toContain(
      "Data quality: how the input was read (CSV, windows-1252, ';'-separated; invalidRows=skip)",
    );
    expect(printed).toMatch(/302\s*│\s*300\s*│\s*2\s*│\s*1/);
    expect(printed).toMatch(/ZIP4_DASH\s*│\s*1\s*│\s*1 ZIP\+4 code written without a dash was normalised/);
    expect(printed).toContain('Skipped rows: 2');
    expect(printed).toMatch(/row 7\s*│\s*P-6\s*│\s*row 7, column zip: 'ABC' is not a ZIP/);
    expect(text).not.toContain('Data quality'); // a report without the account prints no empty section
  });

  it('prints the unconfirmed cost apart, to the cent, and an index just above a band boundary as such', () => {
    const state = { ...report.concentration.state, hhi: 1_000.4, band: 'moderate' as const };
    const printed = renderReport({
      ...report,
      cost: { ...report.cost, unconfirmed: 1_234.5 },
      concentration: { ...report.concentration, state },
    });
    expect(printed).toMatch(/Cost \(actual: the bill as recorded; unconfirmed: at most this much more/);
    expect(printed).toMatch(/│ unconfirmed │/);
    expect(printed).toContain('$1,234.50');
    expect(printed).toContain('Concentration by state: HHI 1,000.4 (moderate)');
  });

  it('formats money to the cent and shares, and shows a dash for what is missing', () => {
    expect(usd(1234567.4)).toBe('$1,234,567.40');
    expect(usd(100.25)).toBe('$100.25');
    expect(usd(0.08)).toBe('$0.08');
    expect(pct(0.1234)).toBe('12.3%');
    expect(usd(undefined)).toBe('-');
    expect(pct(null)).toBe('-');
  });

  it('says at the top and at the bottom when a report is partial, and why properties failed', async () => {
    const partial = await reportOf(
      [
        analyzedResult({ id: 'P1', value: 100_000, loan: { balance: 50_000 } }),
        failedResult('P2', {}, 'TX', 'NO_VALUE_BASIS'),
      ],
      { status: 'budget_exceeded', submitted: 500, analysisType: 'risk' },
    );
    const lines = renderReport(partial).split('\n');
    const banner =
      '*** BUDGET EXCEEDED: Partial report: the job stopped at its budget after 2 of 500 submitted properties; every figure covers those 2 only (498 not analysed). ***';
    expect(lines[0]).toBe(banner);
    expect(lines.at(-1)).toBe(banner);
    expect(lines.join('\n')).toContain('no stored valuation and no appraisal on file');
    expect(lines.join('\n')).toContain('Comparison with the previous run: none');
  });
});
