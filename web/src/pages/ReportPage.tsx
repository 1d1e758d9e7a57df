// The report of a finished job in charts and tables. Each section renders only when the report has it;
// sections this page does not know (added to the report later) are shown by GenericSection. A partial
// report (cancelled, stopped by its budget) says so at the top.
import { useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, type JobView, type Property, type Report } from '../api.ts';
import { count, dateTime, money, moneyCents, pct, signed, signedPct, titleOf } from '../format.ts';
import { ErrorNote, Figures, Loading, Section, StatusBadge } from '../components/common.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { propertyColumns } from '../components/property-columns.tsx';
import { Chart, TIER_COLORS } from '../components/Chart.tsx';
import { barOption, histogramData, TIERS } from '../report/bar-option.ts';
import { UsMap } from '../components/UsMap.tsx';
import { GenericSection } from '../components/GenericSection.tsx';
import { AvmPerformanceSection } from '../report/AvmPerformanceSection.tsx';
import { MigrationTable } from '../report/MigrationTable.tsx';
import { StressSection } from '../report/StressSection.tsx';
import { DataQualitySection } from '../report/DataQualitySection.tsx';
import { downloadReportWorkbook } from '../export/report-workbook.ts';
import { hhiText } from '../../../src/domain/hhi.ts';
import { downloadPropertiesCsv } from '../export/properties-csv.ts';

/** The sections with a view of their own below; the rest of the report's objects go to GenericSection. */
const KNOWN = new Set([
  'portfolioId',
  'jobId',
  'analysisType',
  'generatedAt',
  'asOf',
  'status',
  'completeness',
  'totals',
  'valuation',
  'risk',
  'fraud',
  'concentration',
  'propertyTypes',
  'cost',
  'distributions',
  'highlights',
  'comparison',
  'findings',
  'notes',
  'avmPerformance',
  'stress',
  'dataQuality',
]);

function PropertyTable({ caption, items, jobId }: { caption: string; items: Property[]; jobId: string }) {
  if (items.length === 0) return <p className="hint">{caption}: none.</p>;
  const c = propertyColumns(jobId);
  return (
    <DataTable
      label={caption}
      caption={caption}
      rows={items}
      rowKey={(p) => p.propertyId}
      columns={[c.id, c.state, c.value, c.change, c.ltv, c.cltv, c.tier, c.fraud]}
    />
  );
}

interface Group {
  key: string;
  properties: number;
  value: number;
  valueShare: number;
}

const GROUP_COLUMNS: Array<Column<Group>> = [
  { label: 'Group', cell: (g) => g.key.replace('|', ' · ') },
  { label: 'Properties', num: true, cell: (g) => count(g.properties) },
  { label: 'Value', num: true, cell: (g) => money(g.value) },
  { label: 'Share', num: true, cell: (g) => pct(g.valueShare) },
];

function GroupTable({ caption, groups }: { caption: string; groups: Group[] }) {
  return <DataTable label={caption} caption={caption} rows={groups} rowKey={(g) => g.key} columns={GROUP_COLUMNS} />;
}

/** A like-for-like comparison with the previous run (the report's comparison when one was made). */
type Comparison = Extract<NonNullable<Report['comparison']>, { available: true }>;

/** The like-for-like comparison as [metric, previous → current (change)] rows, each on the set it says. */
function comparisonRows(c: Comparison): Array<[string, string]> {
  const l = c.likeForLike;
  const points = (v: number | null) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`);
  const moved = (m: { previous: number; current: number; change: number; newly: number; noLonger: number }) =>
    `${count(m.previous)} → ${count(m.current)} (${signed(m.change)}: ${count(m.newly)} newly, ${count(m.noLonger)} no longer)`;
  return [
    [
      `Total value (${count(l.valued)} valued in both)`,
      `${money(l.totalValue.previous)} → ${money(l.totalValue.current)} (${signedPct(l.totalValue.changePct)})`,
    ],
    [
      `Weighted LTV (${count(l.loans)} loans in both)`,
      `${pct(l.weightedLtv.previous)} → ${pct(l.weightedLtv.current)} (${points(l.weightedLtv.change)})`,
    ],
    [
      'Weighted CLTV',
      `${pct(l.weightedCltv.previous)} → ${pct(l.weightedCltv.current)} (${points(l.weightedCltv.change)})`,
    ],
    ['Pre-distressed loans', moved(l.preDistressed)],
    [`Fraud flags (${count(l.screened)} screened in both)`, moved(l.flagged)],
    ...(['state', 'county', 'zip'] as const).map((d): [string, string] => {
      const h = l.concentration[d];
      return [
        `HHI by ${d === 'zip' ? 'ZIP' : d}`,
        `${hhiText(h.previous.hhi)} → ${hhiText(h.current.hhi)} (${h.previous.band} → ${h.current.band})`,
      ];
    }),
  ];
}

function PartialBanner({ report, job }: { report: Report; job: JobView | undefined }) {
  if (report.completeness && !report.completeness.complete)
    return (
      <div className="note note-warn banner" role="alert" data-testid="partial-banner">
        <strong>{report.completeness.status.replaceAll('_', ' ')}:</strong> {report.completeness.note}
      </div>
    );
  if (report.status === undefined || report.status === 'completed') return null;
  const analysed = report.totals?.properties;
  const why: Record<string, string> = {
    cancelled: 'the job was cancelled',
    budget_exceeded: 'the job reached its budget',
    failed: 'the job failed (too many properties could not be analysed)',
  };
  return (
    <div className="note note-warn banner" role="alert" data-testid="partial-banner">
      <strong>Partial report:</strong> {why[report.status] ?? `the job ended ${report.status}`}
      {analysed !== undefined && job
        ? `; ${count(analysed)} of ${count(job.progress.total)} properties have a result`
        : ''}
      . Totals, tiers and concentration cover those properties only; this run is not compared with earlier runs.
    </div>
  );
}

function Exports({ report, job }: { report: Report; job: JobView | undefined }) {
  const [state, setState] = useState<ReactNode>();
  async function run(what: string, action: () => Promise<unknown>) {
    setState(`Preparing ${what}…`);
    try {
      await action();
      setState(`${what} downloaded.`);
    } catch (error) {
      setState(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return (
    <div className="actions">
      <button
        type="button"
        onClick={() =>
          void run('Report workbook', () =>
            downloadReportWorkbook(report, job && { total: job.progress.total, estimatedCost: job.cost.estimated }),
          )
        }
      >
        Download report (Excel)
      </button>
      <button type="button" onClick={() => void run('Properties CSV', () => downloadPropertiesCsv(report.jobId, {}))}>
        Download properties (CSV)
      </button>
      <span role="status" className="hint">
        {state}
      </span>
    </div>
  );
}

export function ReportPage({ jobId }: { jobId: string }) {
  const results = useQuery({ queryKey: ['results', jobId], queryFn: () => api.results(jobId) });
  const job = useQuery({ queryKey: ['job', jobId], queryFn: () => api.job(jobId) });
  if (results.error)
    return (
      <>
        <h1>Report</h1>
        <ErrorNote error={results.error} />
        <p>
          <Link href={`/jobs/${jobId}`}>Back to the job</Link>
        </p>
      </>
    );
  if (!results.data) return <Loading what="the report" />;
  const r = results.data;
  const j = job.data;
  const unknown = Object.entries(r).filter(([k, v]) => !KNOWN.has(k) && v !== null && typeof v === 'object');

  return (
    <>
      <div className="page-head">
        <h1>
          Report · <span className="mono">{r.portfolioId}</span>
        </h1>
        {r.status && <StatusBadge status={r.status} />}
      </div>
      <p className="subtitle">
        Job{' '}
        <Link href={`/jobs/${jobId}`} className="mono">
          {jobId}
        </Link>{' '}
        · {r.analysisType} · generated {dateTime(r.generatedAt)} ·{' '}
        <Link href={`/jobs/${jobId}/properties`}>Properties</Link> ·{' '}
        <Link href={`/trends/${r.portfolioId}`}>Trends</Link>
      </p>
      <PartialBanner report={r} job={j} />
      <Exports report={r} job={j} />

      {r.totals && (
        <Figures
          label="Key figures"
          items={[
            { label: 'Properties', value: count(r.totals.properties), detail: `${count(r.totals.analyzed)} analysed` },
            {
              label: 'Failed',
              value: count(r.totals.failed),
              detail: pct(r.totals.failureRate),
              tone: r.totals.failed > 0 ? 'warn' : undefined,
            },
            ...(r.valuation
              ? [
                  { label: 'Current value', value: money(r.valuation.totalValue) },
                  {
                    label: 'Change vs last appraisal',
                    value: signedPct(r.valuation.lastAppraisal.aggregateChangePct),
                    detail: `value-weighted, ${count(r.valuation.lastAppraisal.properties)} properties`,
                  },
                ]
              : []),
            ...(r.risk
              ? [
                  { label: 'Weighted LTV', value: pct(r.risk.weightedLtv), detail: `CLTV ${pct(r.risk.weightedCltv)}` },
                  {
                    label: 'Pre-distressed',
                    value: count(r.risk.preDistressed),
                    detail: `${pct(r.risk.preDistressedShare)} of loans`,
                    tone: r.risk.preDistressed > 0 ? ('bad' as const) : undefined,
                  },
                ]
              : []),
            ...(r.fraud
              ? [
                  {
                    label: 'Fraud flags',
                    value: count(r.fraud.flagged),
                    detail: `${pct(r.fraud.flagRate)} of screened`,
                    tone: r.fraud.flagged > 0 ? ('warn' as const) : undefined,
                  },
                ]
              : []),
            ...(r.cost
              ? [
                  {
                    label: 'Actual cost',
                    value: moneyCents(r.cost.total),
                    detail: j ? `estimate ${moneyCents(j.cost.estimated)}` : undefined,
                  },
                ]
              : []),
          ]}
        />
      )}

      {r.notes && r.notes.length > 0 && (
        <section className="panel" aria-labelledby="notes-title" data-section="notes">
          <h2 id="notes-title">Read with these notes</h2>
          <ul className="notes">
            {r.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </section>
      )}

      <div className="report-grid">
        {r.findings && (
          <Section id="alerts" title="Alerts">
            {r.findings.length === 0 ? (
              <p className="hint">
                {r.comparison?.available
                  ? 'No material like-for-like change since the previous run.'
                  : `No comparison: ${r.comparison?.reason ?? 'no previous complete run'}.`}
              </p>
            ) : (
              <ul className="alerts">
                {r.findings.map((f, i) => (
                  <li key={i}>
                    <span className="code">{f.code}</span> {f.message}
                  </li>
                ))}
              </ul>
            )}
          </Section>
        )}

        {r.comparison?.available && (
          <Section
            id="comparison"
            title={`Compared like for like with the run of ${r.comparison.previousRun.asOf.slice(0, 10)}: ${count(r.comparison.population.matched)} properties analysed in both`}
          >
            <p className="hint">
              Not compared: {count(r.comparison.population.added)} added, {count(r.comparison.population.removed)}{' '}
              removed,{' '}
              {count(
                r.comparison.population.failedPreviousOnly +
                  r.comparison.population.failedCurrentOnly +
                  r.comparison.population.failedBoth,
              )}{' '}
              failed in either run.
              {r.comparison.likeForLike.valueBasisChanged > 0 &&
                ` Values, LTV and tiers not compared for ${count(r.comparison.likeForLike.valueBasisChanged)} valued by an AVM in one run and on the appraisal on file in the other.`}
              {r.comparison.previousRun.analysisType !== undefined &&
                ` The previous run was a ${r.comparison.previousRun.analysisType} run.`}
            </p>
            <DataTable
              label="Comparison with the previous run"
              rows={comparisonRows(r.comparison)}
              rowKey={(row) => row[0]}
              columns={[
                { label: 'Metric', cell: (row) => row[0] },
                { label: 'Change', num: true, cell: (row) => row[1] },
              ]}
            />
          </Section>
        )}

        {r.distributions?.valueChange && (
          <Section id="valuation" title="Valuation change vs last appraisal">
            {(() => {
              const data = histogramData(r.distributions.valueChange);
              return (
                <Chart
                  name="value-change"
                  label="Properties by value change since the last appraisal"
                  option={barOption(
                    data.map((d) => d.label),
                    [{ name: 'Properties', data: data.map((d) => d.count), color: '#2e86c1' }],
                    { rotate: 45 },
                  )}
                />
              );
            })()}
            {r.valuation && (
              <p className="hint">
                Median {signedPct(r.valuation.change.quantiles.p50)}; {count(r.valuation.change.significantUp)} up and{' '}
                {count(r.valuation.change.significantDown)} down by 10% or more. Sources:{' '}
                {Object.entries(r.valuation.sources)
                  .map(([s, n]) => `${s} ${count(n)}`)
                  .join(', ')}
                .
              </p>
            )}
          </Section>
        )}

        {r.avmPerformance && <AvmPerformanceSection avm={r.avmPerformance} />}

        {r.risk && (
          <Section id="risk-tiers" title="Risk tiers of the loans">
            {r.comparison?.available ? (
              <Chart
                name="risk-tiers"
                label={`Loans per risk tier in the previous run and this run, the ${count(r.comparison.likeForLike.loans)} loans analysed in both`}
                option={barOption(
                  TIERS.map((t) => `Tier ${t}`),
                  [
                    {
                      name: 'Previous run',
                      data: TIERS.map((t) => (r.comparison as Comparison).likeForLike.tiers.previous[t]),
                      color: '#aeb6bf',
                    },
                    {
                      name: 'This run',
                      data: TIERS.map((t) => (r.comparison as Comparison).likeForLike.tiers.current[t]),
                      color: '#1f4e79',
                    },
                  ],
                )}
              />
            ) : (
              <Chart
                name="risk-tiers"
                label="Loans per risk tier"
                option={barOption(
                  TIERS.map((t) => `Tier ${t}`),
                  [{ name: 'This run', data: TIERS.map((t) => r.risk!.tiers[t].count), color: '#1f4e79' }],
                )}
              />
            )}
            <p className="hint">
              {count(r.risk.loans)} loans, tiered on{' '}
              {r.risk.tierRatio === 'cltv' ? 'CLTV where a second lien exists' : 'LTV'}:{' '}
              {TIERS.map((t) => `${t} ${count(r.risk!.tiers[t].count)}`).join(', ')}. {count(r.risk.noLoan.properties)}{' '}
              properties without a loan are tiered apart, by value change (
              {TIERS.map((t) => `${t} ${count(r.risk!.noLoan.tiers[t])}`).join(', ')}).
            </p>
            {r.comparison?.available && (
              <MigrationTable
                label="Tier migration of the loans analysed in both runs"
                caption="Tier migration (previous tier → this run's tier), loans in both runs"
                fromLabel="Previous tier"
                matrix={r.comparison.likeForLike.migration}
              />
            )}
          </Section>
        )}

        {r.distributions?.ltv && (
          <Section id="ltv" title="LTV and CLTV distribution">
            {(() => {
              const ltv = histogramData(r.distributions.ltv);
              const cltv = histogramData(r.distributions.cltv);
              const labels = ltv.length >= cltv.length ? ltv : cltv;
              const at = (list: typeof ltv, label: string) => list.find((d) => d.label === label)?.count ?? 0;
              return (
                <Chart
                  name="ltv"
                  label="Loans by LTV and by CLTV"
                  option={barOption(
                    labels.map((d) => d.label),
                    [
                      { name: 'LTV', data: labels.map((d) => at(ltv, d.label)), color: '#1f4e79' },
                      { name: 'CLTV', data: labels.map((d) => at(cltv, d.label)), color: '#b9770e' },
                    ],
                    { rotate: 45 },
                  )}
                />
              );
            })()}
            {r.risk && (
              <p className="hint">
                Median LTV {pct(r.risk.ltvQuantiles.p50)}, 90th percentile {pct(r.risk.ltvQuantiles.p90)}; above 90% a
                loan is pre-distressed.
              </p>
            )}
          </Section>
        )}

        {r.stress && <StressSection stress={r.stress} jobId={jobId} />}

        {r.highlights?.preDistressed && (
          <Section
            id="pre-distressed"
            title={`Pre-distressed loans${r.risk ? ` (${count(r.risk.preDistressed)})` : ''}`}
          >
            <PropertyTable caption="Highest CLTV first" items={r.highlights.preDistressed} jobId={jobId} />
          </Section>
        )}

        {r.fraud && (
          <Section id="fraud" title="Fraud flags by reason">
            {(() => {
              const reasons = Object.entries(r.fraud.reasons.amongScreened).sort((a, b) => b[1] - a[1]);
              return reasons.length === 0 ? (
                <p className="hint">No fraud rule fired.</p>
              ) : (
                <Chart
                  name="fraud-reasons"
                  label="Screened properties on which each fraud rule fired"
                  option={barOption(
                    reasons.map(([code]) => code),
                    [{ name: 'Properties', data: reasons.map(([, n]) => n), color: '#922b21' }],
                    { horizontal: true },
                  )}
                />
              );
            })()}
            <p className="hint">
              Counted over all {count(r.fraud.screened)} screened properties (a rule can fire on a property that is not
              flagged overall); {count(r.fraud.flagged)} flagged, for these reasons:{' '}
              {Object.entries(r.fraud.reasons.amongFlagged)
                .sort((a, b) => b[1] - a[1])
                .map(([code, n]) => `${code} ${count(n)}`)
                .join(', ') || 'none'}
              . AI reviews: {count(r.fraud.aiReviews.count)}
              {Object.keys(r.fraud.aiReviews.byVerdict).length > 0 &&
                ` (${Object.entries(r.fraud.aiReviews.byVerdict)
                  .map(([v, n]) => `${v} ${count(n)}`)
                  .join(', ')})`}
              .
            </p>
          </Section>
        )}

        {r.fraud && (
          <Section
            id="appraisers"
            title={`Appraisers (${count(r.fraud.appraisers.outliers)} outliers of ${count(r.fraud.appraisers.judged)} judged)`}
          >
            {r.fraud.appraisers.listed.length > 0 && (
              <Chart
                name="appraisers"
                label="Appraisers by appraisals compared with an AVM value and their mean inflation over it; outliers in red"
                option={{
                  grid: { left: 60, right: 24, top: 30, bottom: 40 },
                  legend: { top: 0 },
                  tooltip: {
                    trigger: 'item',
                    formatter: (p: { data: [number, number, string, number] }) =>
                      `${p.data[2]}: mean inflation ${signedPct(p.data[1])} over ${p.data[0]} compared appraisals (${p.data[3]} in all)`,
                  },
                  xAxis: {
                    type: 'value',
                    name: 'Appraisals compared with an AVM value',
                    nameLocation: 'middle',
                    nameGap: 26,
                  },
                  yAxis: { type: 'value', name: 'Mean inflation', axisLabel: { formatter: (v: number) => pct(v, 0) } },
                  series: [true, false].map((outlier) => ({
                    type: 'scatter',
                    name: outlier ? 'Outlier' : 'Within limits',
                    itemStyle: { color: outlier ? '#b03a2e' : '#5d6d7e' },
                    symbolSize: 10,
                    // Appraisers with no appraisal compared with an AVM value have no inflation to plot.
                    data: r
                      .fraud!.appraisers.listed.filter((a) => a.outlier === outlier && a.meanInflationPct !== null)
                      .map((a) => [a.comparedAppraisals, a.meanInflationPct, a.appraiserId, a.appraisals]),
                  })),
                }}
              />
            )}
            <DataTable
              label="Appraiser outliers"
              rows={r.fraud.appraisers.listed.filter((a) => a.outlier)}
              rowKey={(a) => a.appraiserId}
              empty="No outlier."
              columns={[
                { label: 'Appraiser', cell: (a) => <span className="mono">{a.appraiserId}</span> },
                { label: 'Appraisals', num: true, cell: (a) => count(a.appraisals) },
                { label: 'Mean inflation', num: true, cell: (a) => signedPct(a.meanInflationPct) },
                { label: 'Flag rate', num: true, cell: (a) => pct(a.flagRate) },
                { label: 'Reasons', cell: (a) => a.reasons.join(', ') },
              ]}
            />
          </Section>
        )}

        {r.concentration && (
          <Section id="concentration" title="Concentration by state" wide>
            <Figures
              label="Concentration"
              items={(['state', 'county', 'zip'] as const).map((d) => ({
                label: `HHI by ${d === 'zip' ? 'ZIP' : d}`,
                value: hhiText(r.concentration![d].hhi),
                detail: `${r.concentration![d].band}, ${count(r.concentration![d].groups)} groups`,
                tone:
                  r.concentration![d].band === 'high'
                    ? ('bad' as const)
                    : r.concentration![d].band === 'moderate'
                      ? ('warn' as const)
                      : undefined,
              }))}
            />
            <div className="map-grid">
              <UsMap states={r.concentration.state.top} />
              <GroupTable caption="States by value" groups={r.concentration.state.top} />
            </div>
            <p className="hint">
              HHI on current-value shares (0–10,000); bands of the 2023 US Merger Guidelines: unconcentrated up to
              1,000, moderate up to 1,800, high above.
            </p>
          </Section>
        )}

        {r.concentration && (
          <Section id="counties-zips" title="Largest counties and ZIP codes">
            <GroupTable caption="Counties by value" groups={r.concentration.county.top} />
            <GroupTable caption="ZIP codes by value" groups={r.concentration.zip.top} />
          </Section>
        )}

        {r.propertyTypes && r.propertyTypes.length > 0 && (
          <Section id="property-types" title="Property types">
            <Chart
              name="property-types"
              label="Properties per type and risk tier"
              option={barOption(
                r.propertyTypes.map((t) => t.propertyType),
                TIERS.map((tier) => ({
                  name: `Tier ${tier}`,
                  data: r.propertyTypes!.map((t) => t.tiers[tier]),
                  color: TIER_COLORS[tier],
                  stack: 'tiers',
                })),
              )}
            />
            <DataTable
              label="Property types"
              rows={r.propertyTypes}
              rowKey={(t) => t.propertyType}
              columns={[
                { label: 'Type', cell: (t) => t.propertyType },
                { label: 'Properties', num: true, cell: (t) => count(t.properties) },
                { label: 'Value share', num: true, cell: (t) => pct(t.valueShare) },
                { label: 'Mean LTV', num: true, cell: (t) => pct(t.averageLtv) },
              ]}
            />
          </Section>
        )}

        {r.cost && (
          <Section id="cost" title="Cost: estimated vs actual">
            <Chart
              name="cost"
              label="Estimated cost against the actual cost by component, in dollars"
              option={barOption(
                ['Estimate', 'Actual'],
                [
                  {
                    name: 'Estimate (upper bound)',
                    data: [j?.cost.estimated ?? 0, 0],
                    color: '#aeb6bf',
                    stack: 'cost',
                  },
                  { name: 'Valuation', data: [0, r.cost.valuation], color: '#1f4e79', stack: 'cost' },
                  { name: 'Fraud review', data: [0, r.cost.fraud], color: '#922b21', stack: 'cost' },
                  { name: 'Risk', data: [0, r.cost.risk], color: '#117864', stack: 'cost' },
                  {
                    name: 'Unconfirmed (may have been billed)',
                    data: [0, r.cost.unconfirmed ?? 0],
                    color: '#d4ac0d',
                    stack: 'cost',
                  },
                ],
                { horizontal: true, valueFormatter: (v) => moneyCents(v) },
              )}
              height={220}
            />
            <p className="hint">
              Actual {moneyCents(r.cost.total)}
              {j ? ` of an estimated ${moneyCents(j.cost.estimated)}` : ''}
              {j?.cost.budget !== undefined ? ` (budget ${moneyCents(j.cost.budget)})` : ''}. Cache hits and stored
              values cost nothing.
            </p>
            <p className="hint" data-testid="cost-unconfirmed">
              {r.cost.unconfirmed === undefined
                ? 'Unconfirmed: not recorded in this report (written before it was kept); the job view has it.'
                : r.cost.unconfirmed > 0
                  ? `Unconfirmed: up to ${moneyCents(r.cost.unconfirmed)} more may have been billed for paid calls that timed out or were lost in a crash (not in the actual cost; counted against the budget).`
                  : 'Unconfirmed: $0.00, every paid call was answered and recorded.'}
            </p>
          </Section>
        )}

        {r.highlights?.largestDrops && (
          <Section id="largest-drops" title="Largest value drops">
            <PropertyTable
              caption="Largest falls since the last appraisal"
              items={r.highlights.largestDrops}
              jobId={jobId}
            />
          </Section>
        )}
        {r.highlights?.highestFraud && (
          <Section id="highest-fraud" title="Highest fraud scores">
            <PropertyTable caption="Highest fraud scores" items={r.highlights.highestFraud} jobId={jobId} />
          </Section>
        )}

        {r.dataQuality && <DataQualitySection quality={r.dataQuality} />}

        {unknown.map(([name, value]) => (
          <GenericSection key={name} name={name} value={value} />
        ))}
      </div>
      {unknown.length > 0 && (
        <p className="hint">Also in this report: {unknown.map(([n]) => titleOf(n)).join(', ')} (shown as tables).</p>
      )}
    </>
  );
}
