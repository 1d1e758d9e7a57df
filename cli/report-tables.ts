// The portfolio report as readable tables for a terminal: completeness first (a partial report says so),
// then valuation change, risk tiers of the loans (properties without a loan apart), pre-distressed loans,
// fraud flags and the worst appraisers, AVM performance, concentration, property types, stress scenarios,
// the like-for-like comparison with its findings, notes, and cost. Every label says what it counts.
import Table from 'cli-table3';
import type { DataQuality } from '../src/domain/data-quality.ts';
import { hhiText } from '../src/domain/hhi.ts';
import type { PortfolioReport } from '../src/domain/report.ts';
import type { StressResult } from '../src/domain/stress.ts';

type Maybe = number | null | undefined;
const TIERS = ['A', 'B', 'C', 'D'] as const;

/** Dollars to the cent: $1,234,567.40. */
export const usd = (value: Maybe): string =>
  typeof value !== 'number' || !Number.isFinite(value)
    ? '-'
    : value.toLocaleString('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });
export const pct = (value: Maybe, digits = 1): string =>
  typeof value !== 'number' || !Number.isFinite(value) ? '-' : `${(value * 100).toFixed(digits)}%`;
const int = (value: Maybe): string =>
  typeof value !== 'number' || !Number.isFinite(value) ? '-' : Math.round(value).toLocaleString('en-US');
/** A quantile from bins, with its resolution: "3.2% (±0.5 pt)". */
const binned = (value: Maybe, binWidth: number): string =>
  value === null || value === undefined ? '-' : `${pct(value)} (±${Number((binWidth * 100).toFixed(2))} pt)`;
const signed = (value: Maybe, format: (v: Maybe) => string): string =>
  typeof value === 'number' && value > 0 ? `+${format(value)}` : format(value);
/** A change of a ratio in percentage points: "+1.2 pt". */
const points = (value: Maybe): string =>
  typeof value !== 'number' || !Number.isFinite(value) ? '-' : `${(value * 100).toFixed(1)} pt`;

function table(title: string, head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) t.push(row);
  return `${title}\n${t.toString()}`;
}

/** How many examples of skipped rows the terminal shows (the report keeps the first 100). */
const SHOWN_SKIPPED_ROWS = 10;

/**
 * How the input was read: rows read, analysed and skipped (with the first skipped rows and why), and every
 * warning with its count.
 */
export function renderDataQuality(dataQuality: DataQuality): string {
  const { format, rows, accepted, skipped } = dataQuality;
  const read = [
    format.kind.toUpperCase(),
    format.encoding,
    format.separator && `'${format.separator === '\t' ? 'tab' : format.separator}'-separated`,
    format.sheet && `sheet ${format.sheet}`,
  ]
    .filter(Boolean)
    .join(', ');
  const parts = [
    table(
      `Data quality: how the input was read (${read}; invalidRows=${dataQuality.invalidRows})`,
      ['rows read', 'analysed', 'skipped', 'warnings'],
      [[int(rows), int(accepted), int(skipped), int(dataQuality.warnings.length)]],
    ),
  ];
  if (dataQuality.warnings.length > 0)
    parts.push(
      table(
        'Input warnings (each a kind of normalisation or doubtful data, counted)',
        ['code', 'count', 'what'],
        dataQuality.warnings.map((w) => [
          w.code,
          int(w.count),
          w.fix === undefined ? w.message : `${w.message} (${w.fix})`,
        ]),
      ),
    );
  if (skipped > 0)
    parts.push(
      table(
        `Skipped rows: ${int(skipped)}${skipped > SHOWN_SKIPPED_ROWS ? ` (the first ${SHOWN_SKIPPED_ROWS})` : ''}`,
        ['row', 'propertyId', 'why'],
        dataQuality.skippedRows
          .slice(0, SHOWN_SKIPPED_ROWS)
          .map((r) => [r.at, r.propertyId ?? '-', r.reasons.map((e) => `${e.path}: ${e.message}`).join('; ')]),
      ),
    );
  return parts.join('\n\n');
}

/** The stress scenarios: one row per scenario after today's figures, then the worst scenario's migration. */
export function renderStress(stress: StressResult): string {
  const row = (name: string, f: StressResult['baseline'], worsened?: number) => [
    name,
    TIERS.map((t) => int(f.tiers[t])).join(' / '),
    worsened === undefined ? '-' : int(worsened),
    `${int(f.preDistressed.count)} (${pct(f.preDistressed.share)})`,
    usd(f.preDistressed.exposure),
    pct(f.weightedLtv),
    pct(f.weightedCltv),
  ];
  const sections = [
    table(
      `Stress scenarios: the ${int(stress.loans)} loans with values shocked (stored values, no AVM call)`,
      ['scenario', 'loans A / B / C / D', 'worse tier', 'pre-distressed', 'exposure', 'weighted LTV', 'weighted CLTV'],
      [row('today', stress.baseline), ...stress.scenarios.map((s) => row(s.name, s, s.worsened))],
    ),
  ];
  const worst = stress.scenarios.at(-1);
  if (worst)
    sections.push(
      table(
        `Tier migration under "${worst.name}" (loans: today's tier -> tier after the shock)`,
        ['today', ...TIERS.map((t) => `-> ${t}`)],
        TIERS.map((from) => [from, ...TIERS.map((to) => int(worst.migration[from][to]))]),
      ),
    );
  return sections.join('\n\n');
}

function completenessBanner(report: PortfolioReport): string[] {
  const c = report.completeness;
  if (c.complete) return [];
  const status = c.status.replaceAll('_', ' ').toUpperCase();
  return [`*** ${status}: ${c.note ?? `${int(c.processed)} of ${int(c.submitted)} properties processed`} ***`];
}

function riskSections(report: PortfolioReport): string[] {
  const r = report.risk;
  const limits = report.stress.tierLimits;
  const ratio = r.tierRatio === 'cltv' ? 'CLTV where a second lien exists, else LTV' : 'first-lien LTV';
  const sections = [
    table(
      `Risk tiers of the ${int(r.loans)} loans (on ${ratio}: A ≤ ${pct(limits.A, 0)}, B ≤ ${pct(limits.B, 0)}, C ≤ ${pct(limits.C, 0)}, D above; a weak value basis lowers a tier one step)`,
      ['tier', 'loans', 'share of loans'],
      TIERS.map((t) => [t, int(r.tiers[t].count), pct(r.tiers[t].share)]),
    ),
  ];
  const lowered = Object.entries(r.downgrades).filter(([, n]) => n > 0);
  sections.push(
    [
      `Properties without a loan (not in the loan tiers): ${int(r.noLoan.properties)}, tiered by value change: ${TIERS.map((t) => `${t} ${int(r.noLoan.tiers[t])}`).join(', ')}`,
      `Tiers lowered one step for a weak value basis: ${lowered.length === 0 ? 'none' : lowered.map(([why, n]) => `${why} ${int(n)}`).join(', ')}`,
    ].join('\n'),
  );
  sections.push(
    table(
      'Loans',
      [
        'loans',
        'with 2nd lien',
        'weighted LTV',
        'weighted CLTV',
        'median LTV',
        'pre-distressed',
        'exposure',
        '1st-lien UPB',
        '2nd liens',
      ],
      [
        [
          int(r.loans),
          int(r.loansWithSecondLien),
          pct(r.weightedLtv),
          pct(r.weightedCltv),
          binned(r.ltvQuantiles.p50, r.ltvQuantiles.binWidth),
          `${int(r.preDistressed)} (${pct(r.preDistressedShare)})`,
          usd(r.preDistressedExposure),
          usd(r.totalFirstLienBalance),
          usd(r.totalSecondLienBalance),
        ],
      ],
    ),
  );
  const distressed = report.highlights.preDistressed.slice(0, 5);
  if (distressed.length > 0)
    sections.push(
      table(
        'Pre-distressed loans (highest CLTV)',
        ['property', 'state', 'value', 'LTV', 'CLTV', 'tier'],
        distressed.map((p) => [
          p.propertyId,
          p.state,
          usd(p.valuation?.estimatedValue),
          pct(p.risk?.ltv),
          pct(p.risk?.cltv),
          p.risk?.tier ?? '-',
        ]),
      ),
    );
  return sections;
}

function fraudSections(report: PortfolioReport): string[] {
  const f = report.fraud;
  const codes = [...new Set([...Object.keys(f.reasons.amongFlagged), ...Object.keys(f.reasons.amongScreened)])].sort(
    (a, b) => (f.reasons.amongFlagged[b] ?? 0) - (f.reasons.amongFlagged[a] ?? 0) || a.localeCompare(b),
  );
  const sections = [
    table(
      `Fraud screening: ${int(f.flagged)} flagged of ${int(f.screened)} screened (${pct(f.flagRate)})`,
      ['reason', `among the ${int(f.flagged)} flagged`, `among all ${int(f.screened)} screened`],
      codes.map((code) => [code, int(f.reasons.amongFlagged[code] ?? 0), int(f.reasons.amongScreened[code] ?? 0)]),
    ),
  ];
  const outliers = f.appraisers.listed.filter((a) => a.outlier).slice(0, 8);
  if (outliers.length > 0)
    sections.push(
      table(
        'Appraiser outliers',
        ['appraiser', 'appraisals', 'mean inflation vs AVM', 'flag rate', 'why'],
        outliers.map((a) => [
          a.appraiserId,
          int(a.appraisals),
          pct(a.meanInflationPct),
          pct(a.flagRate),
          a.reasons.join(', '),
        ]),
      ),
    );
  return sections;
}

function avmSections(report: PortfolioReport): string[] {
  const a = report.avmPerformance;
  const sections: string[] = [];
  if (a.providers.length > 0)
    sections.push(
      table(
        `AVM providers: the ${int(a.cascadeProperties)} properties valued by the cascade in this run (${int(a.reusedValues)} reused values not counted)`,
        [
          'provider',
          'asked',
          'hit rate',
          'no value',
          'failed',
          `FSD ≤ ${pct(a.maxFsd, 0)}`,
          'mean FSD',
          'FSD ≤5/10/15/20/25/30/more',
        ],
        a.providers.map((p) => [
          p.provider,
          int(p.asked),
          pct(p.hitRate),
          int(p.noValue),
          int(p.failed),
          `${int(p.withinMaxFsd)} (${pct(p.acceptedShare)} of answers)`,
          pct(p.meanFsd),
          p.fsdBands.map((b) => int(b.count)).join('/'),
        ]),
      ),
    );
  const rows = (['sale', 'appraisal'] as const).flatMap((kind) => {
    const k = a.accuracy[kind];
    if (k.overall.properties === 0) return [];
    return [{ provider: 'all', ...k.overall }, ...k.byProvider].map((m) => [
      kind === 'sale' ? "arm's-length sales" : 'appraisals',
      m.provider,
      int(m.properties),
      pct(m.mdape),
      pct(m.ppe10),
      pct(m.ppe20),
      signed(m.medianError, pct),
    ]);
  });
  sections.push(
    rows.length === 0
      ? `AVM accuracy: no AVM value has a sale or appraisal of the ${a.accuracy.windowMonths} months before the analysis date to compare with`
      : table(
          `AVM accuracy against benchmarks of the ${a.accuracy.windowMonths} months before the analysis date (exact)`,
          ['benchmark', 'provider', 'properties', 'MdAPE', 'PPE10', 'PPE20', 'median error'],
          rows,
        ),
  );
  return sections;
}

function comparisonSections(report: PortfolioReport): string[] {
  const c = report.comparison;
  if (!c.available) return [`Comparison with the previous run: none (${c.reason})`];
  const p = c.population;
  const l = c.likeForLike;
  const line = (name: string, previous: string, current: string, change: string) => [name, previous, current, change];
  const rows = [
    line(
      'total value',
      usd(l.totalValue.previous),
      usd(l.totalValue.current),
      `${signed(l.totalValue.change, usd)} (${signed(l.totalValue.changePct, pct)})`,
    ),
    line('weighted LTV', pct(l.weightedLtv.previous), pct(l.weightedLtv.current), signed(l.weightedLtv.change, points)),
    line(
      'weighted CLTV',
      pct(l.weightedCltv.previous),
      pct(l.weightedCltv.current),
      signed(l.weightedCltv.change, points),
    ),
    line(
      `pre-distressed (of ${int(l.loans)} loans)`,
      int(l.preDistressed.previous),
      int(l.preDistressed.current),
      `${signed(l.preDistressed.change, int)} (${int(l.preDistressed.newly)} newly, ${int(l.preDistressed.noLonger)} no longer)`,
    ),
    line(
      `fraud-flagged (of ${int(l.screened)} screened)`,
      int(l.flagged.previous),
      int(l.flagged.current),
      `${signed(l.flagged.change, int)} (${int(l.flagged.newly)} newly, ${int(l.flagged.noLonger)} no longer)`,
    ),
    ...(['state', 'county', 'zip'] as const).map((d) =>
      line(
        `${d} HHI`,
        `${hhiText(l.concentration[d].previous.hhi)} ${l.concentration[d].previous.band}`,
        `${hhiText(l.concentration[d].current.hhi)} ${l.concentration[d].current.band}`,
        signed(l.concentration[d].change, (v) => (typeof v === 'number' ? hhiText(v) : '-')),
      ),
    ),
  ];
  const sections = [
    table(
      `Like-for-like vs job ${c.previousRun.jobId} (analysed ${c.previousRun.asOf.slice(0, 10)}): the ${int(p.matched)} properties analysed in both runs ` +
        `(${int(p.added)} added, ${int(p.removed)} removed, ${int(p.failedPreviousOnly + p.failedCurrentOnly + p.failedBoth)} failed in either run: not compared` +
        `${l.valueBasisChanged > 0 ? `; ${int(l.valueBasisChanged)} valued by AVM in one run and on the appraisal in the other: values, LTV and tiers not compared` : ''})` +
        `${c.previousRun.analysisType === undefined ? '' : `; previous run: ${c.previousRun.analysisType}`}`,
      ['metric', 'previous', 'current', 'change'],
      rows,
    ),
  ];
  sections.push(
    report.findings.length === 0
      ? 'Findings: none (no material like-for-like change)'
      : table(
          `Findings${report.completeness.complete ? ' (alerted)' : ' (not alerted: partial run)'}`,
          ['finding', 'what changed'],
          report.findings.map((f) => [f.code, f.message]),
        ),
  );
  return sections;
}

export function renderReport(
  report: PortfolioReport,
  job?: { cost: { estimated: number; actual: number; budget?: number | undefined } },
): string {
  const sections: string[] = [...completenessBanner(report)];
  sections.push(
    table(
      'Portfolio',
      ['properties', 'analysed', 'failed', 'total value', 'average value'],
      [
        [
          int(report.totals.properties),
          int(report.totals.analyzed),
          int(report.totals.failed),
          usd(report.valuation.totalValue),
          usd(report.valuation.averageValue),
        ],
      ],
    ),
  );
  if (report.dataQuality !== undefined) sections.push(renderDataQuality(report.dataQuality));
  if (report.totals.failures.length > 0)
    sections.push(
      table(
        `Failed properties: ${int(report.totals.failed)}`,
        ['code', 'properties', 'why'],
        report.totals.failures.map((f) => [f.code, int(f.count), f.explanation]),
      ),
    );
  const v = report.valuation;
  sections.push(
    table(
      'Valuation change vs last appraisal',
      ['appraised', 'last appraised', 'current', 'change', 'median', 'p10 / p90', 'significant up / down'],
      [
        [
          int(v.lastAppraisal.properties),
          usd(v.lastAppraisal.totalLastAppraisedValue),
          usd(v.lastAppraisal.totalCurrentValue),
          pct(v.lastAppraisal.aggregateChangePct),
          binned(v.change.quantiles.p50, v.change.quantiles.binWidth),
          `${pct(v.change.quantiles.p10)} / ${pct(v.change.quantiles.p90)}`,
          `${int(v.change.significantUp)} / ${int(v.change.significantDown)}`,
        ],
      ],
    ),
  );
  sections.push(...riskSections(report), ...fraudSections(report), ...avmSections(report));
  const state = report.concentration.state;
  sections.push(
    table(
      `Concentration by state: HHI ${hhiText(state.hhi)} (${state.band}); county HHI ${hhiText(report.concentration.county.hhi)} (${report.concentration.county.band}), ZIP HHI ${hhiText(report.concentration.zip.hhi)} (${report.concentration.zip.band})`,
      ['state', 'properties', 'value', 'share'],
      state.top.slice(0, 8).map((g) => [g.key, int(g.properties), usd(g.value), pct(g.valueShare)]),
    ),
  );
  sections.push(
    table(
      'Property types',
      ['type', 'properties', 'value share', 'mean LTV', 'loans A / B / C / D', 'no loan'],
      report.propertyTypes.map((t) => [
        t.propertyType,
        int(t.properties),
        pct(t.valueShare),
        pct(t.averageLtv),
        TIERS.map((k) => pct(t.tierShares[k], 0)).join(' / '),
        int(t.noLoan),
      ]),
    ),
  );
  sections.push(renderStress(report.stress), ...comparisonSections(report));
  if (report.notes.length > 0) sections.push(['Notes', ...report.notes.map((n) => `- ${n}`)].join('\n'));
  const budget = job?.cost.budget;
  sections.push(
    table(
      'Cost (actual: the bill as recorded; unconfirmed: at most this much more, for calls never answered)',
      [
        'estimated',
        'actual',
        'valuation',
        'fraud review',
        'risk',
        'unconfirmed',
        ...(budget !== undefined ? ['budget'] : []),
      ],
      [
        [
          usd(job?.cost.estimated),
          usd(report.cost.total),
          usd(report.cost.valuation),
          usd(report.cost.fraud),
          usd(report.cost.risk),
          usd(report.cost.unconfirmed),
          ...(budget !== undefined ? [usd(budget)] : []),
        ],
      ],
    ),
  );
  sections.push(...completenessBanner(report));
  return sections.join('\n\n');
}
