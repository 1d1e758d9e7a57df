// The portfolio report as readable tables for a terminal: valuation change, risk tiers, pre-distressed
// loans, fraud flags and the worst appraisers, concentration by state, property types, and cost.
import Table from 'cli-table3';

/* The report is read loosely: the CLI prints what the server sends, and shows "-" for what is missing. */
type Loose = Record<string, unknown>;
const get = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Loose | undefined)?.[key], value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '-');
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

export const usd = (value: unknown): string => {
  const n = num(value);
  return n === undefined
    ? '-'
    : n.toLocaleString('en-US', {
        style: 'currency',
        currency: 'USD',
        maximumFractionDigits: Math.abs(n) < 100 ? 2 : 0,
      });
};
export const pct = (value: unknown, digits = 1): string => {
  const n = num(value);
  return n === undefined ? '-' : `${(n * 100).toFixed(digits)}%`;
};
const int = (value: unknown): string => {
  const n = num(value);
  return n === undefined ? '-' : Math.round(n).toLocaleString('en-US');
};

function table(title: string, head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) t.push(row);
  return `${title}\n${t.toString()}`;
}

export function renderReport(
  report: Loose,
  job?: { cost: { estimated: number; actual: number; budget?: number } },
): string {
  const sections: string[] = [];
  sections.push(
    table(
      'Portfolio',
      ['properties', 'analysed', 'failed', 'total value', 'average value'],
      [
        [
          int(get(report, 'totals.properties')),
          int(get(report, 'totals.analyzed')),
          int(get(report, 'totals.failed')),
          usd(get(report, 'valuation.totalValue')),
          usd(get(report, 'valuation.averageValue')),
        ],
      ],
    ),
  );
  sections.push(
    table(
      'Valuation change vs last appraisal',
      ['appraised', 'last appraised', 'current', 'change', 'median', 'p10 / p90', 'significant up / down'],
      [
        [
          int(get(report, 'valuation.lastAppraisal.properties')),
          usd(get(report, 'valuation.lastAppraisal.totalLastAppraisedValue')),
          usd(get(report, 'valuation.lastAppraisal.totalCurrentValue')),
          pct(get(report, 'valuation.lastAppraisal.aggregateChangePct')),
          pct(get(report, 'valuation.change.quantiles.p50')),
          `${pct(get(report, 'valuation.change.quantiles.p10'))} / ${pct(get(report, 'valuation.change.quantiles.p90'))}`,
          `${int(get(report, 'valuation.change.significantUp'))} / ${int(get(report, 'valuation.change.significantDown'))}`,
        ],
      ],
    ),
  );
  const tiers = (get(report, 'risk.tiers') ?? {}) as Record<string, { count?: number; share?: number }>;
  sections.push(
    table(
      'Risk tiers (LTV: A ≤ 60%, B ≤ 80%, C ≤ 90%, D above)',
      ['tier', 'properties', 'share'],
      Object.entries(tiers).map(([tier, t]) => [tier, int(t.count), pct(t.share)]),
    ),
  );
  sections.push(
    table(
      'Loans',
      ['loans', 'weighted LTV', 'median LTV', 'pre-distressed (LTV > 90%)', 'first-lien balance'],
      [
        [
          int(get(report, 'risk.loans')),
          pct(get(report, 'risk.weightedLtv')),
          pct(get(report, 'risk.ltvQuantiles.p50')),
          `${int(get(report, 'risk.preDistressed'))} (${pct(get(report, 'risk.preDistressedShare'))})`,
          usd(get(report, 'risk.totalFirstLienBalance')),
        ],
      ],
    ),
  );
  const distressed = ((get(report, 'highlights.preDistressed') as Loose[] | undefined) ?? []).slice(0, 5);
  if (distressed.length > 0) {
    sections.push(
      table(
        'Pre-distressed loans (highest LTV)',
        ['property', 'state', 'value', 'LTV', 'tier'],
        distressed.map((p) => [
          String(p.propertyId),
          String(p.state),
          usd(get(p, 'valuation.estimatedValue')),
          pct(get(p, 'risk.ltv')),
          text(get(p, 'risk.tier')),
        ]),
      ),
    );
  }
  const reasons = (get(report, 'fraud.byReason') ?? {}) as Record<string, number>;
  sections.push(
    table(
      `Fraud screening: ${int(get(report, 'fraud.flagged'))} flagged of ${int(get(report, 'fraud.screened'))} (${pct(get(report, 'fraud.flagRate'))})`,
      ['reason', 'properties'],
      Object.entries(reasons)
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => [code, int(n)]),
    ),
  );
  const appraisers = ((get(report, 'fraud.appraisers.listed') as Loose[] | undefined) ?? [])
    .filter((a) => a.outlier)
    .slice(0, 8);
  if (appraisers.length > 0) {
    sections.push(
      table(
        'Appraiser outliers',
        ['appraiser', 'appraisals', 'mean inflation vs AVM', 'flag rate', 'why'],
        appraisers.map((a) => [
          String(a.appraiserId),
          int(a.appraisals),
          pct(a.meanInflationPct),
          pct(a.flagRate),
          ((a.reasons as string[] | undefined) ?? []).join(', '),
        ]),
      ),
    );
  }
  const state = get(report, 'concentration.state') as Loose | undefined;
  if (state) {
    sections.push(
      table(
        `Concentration by state: HHI ${int(state.hhi)} (${String(state.band)}); county HHI ${int(get(report, 'concentration.county.hhi'))}, ZIP HHI ${int(get(report, 'concentration.zip.hhi'))}`,
        ['state', 'properties', 'value', 'share'],
        ((state.top as Loose[] | undefined) ?? [])
          .slice(0, 8)
          .map((g) => [String(g.key), int(g.properties), usd(g.value), pct(g.valueShare)]),
      ),
    );
  }
  const types = (get(report, 'propertyTypes') as Loose[] | undefined) ?? [];
  sections.push(
    table(
      'Property types',
      ['type', 'properties', 'value share', 'mean LTV', 'tier A / B / C / D'],
      types.map((t) => {
        const mix = (t.tierShares ?? {}) as Record<string, number>;
        return [
          String(t.propertyType),
          int(t.properties),
          pct(t.valueShare),
          pct(t.averageLtv),
          ['A', 'B', 'C', 'D'].map((k) => pct(mix[k], 0)).join(' / '),
        ];
      }),
    ),
  );
  sections.push(
    table(
      'Cost',
      [
        'estimated',
        'actual',
        'valuation',
        'fraud review',
        'risk',
        ...(job?.cost.budget !== undefined ? ['budget'] : []),
      ],
      [
        [
          usd(job?.cost.estimated),
          usd(get(report, 'cost.total')),
          usd(get(report, 'cost.valuation')),
          usd(get(report, 'cost.fraud')),
          usd(get(report, 'cost.risk')),
          ...(job?.cost.budget !== undefined ? [usd(job.cost.budget)] : []),
        ],
      ],
    ),
  );
  return sections.join('\n\n');
}
