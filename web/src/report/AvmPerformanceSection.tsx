// The report's AVM performance (Interagency Appraisal and Evaluation Guidelines, 2010, Appendix B): how each
// provider of the cascade answered (hit rate, confidence against the FSD limit, FSD distribution) and how
// accurate the values were against the sales and appraisals of the window (MdAPE, PPE10, PPE20, bias).
import type { Report } from '../api.ts';
import { count, pct, signedPct } from '../format.ts';
import { Section } from '../components/common.tsx';
import { Chart } from '../components/Chart.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { barOption } from './bar-option.ts';

type AvmPerformance = NonNullable<Report['avmPerformance']>;
type Accuracy = AvmPerformance['accuracy']['sale']['overall'];

/** An FSD band's label from its inclusive upper edge and the one before it: `≤ 5%`, `5–10%`, `> 30%`. */
function bandLabel(upTo: number | null, previous: number | null | undefined): string {
  const p = (f: number) => `${Math.round(f * 100)}%`;
  if (upTo === null) return `> ${previous == null ? '0%' : p(previous)}`;
  return previous == null ? `≤ ${p(upTo)}` : `${p(previous)}–${p(upTo)}`;
}

interface AccuracyRow extends Accuracy {
  benchmark: string;
  provider: string;
}

export function AvmPerformanceSection({ avm }: { avm: AvmPerformance }) {
  const edges = avm.providers[0]?.fsdBands.map((b) => b.upTo) ?? [];
  const accuracy: AccuracyRow[] = (['sale', 'appraisal'] as const).flatMap((kind) => {
    const benchmark = kind === 'sale' ? 'Sale price' : 'Appraisal';
    const b = avm.accuracy[kind];
    return [{ ...b.overall, benchmark, provider: 'All providers' }, ...b.byProvider.map((p) => ({ ...p, benchmark }))];
  });
  return (
    <Section id="avm-performance" title="AVM performance" wide>
      <div className="split-grid">
        <div>
          <DataTable
            label="AVM providers"
            caption={`Providers of the cascade (acceptance limit: FSD ≤ ${pct(avm.maxFsd, 0)})`}
            rows={avm.providers}
            rowKey={(p) => p.provider}
            empty="No AVM was asked in this job."
            columns={[
              { label: 'Provider', cell: (p) => <span className="mono">{p.provider}</span> },
              { label: 'Asked', num: true, cell: (p) => count(p.asked) },
              { label: 'Hit rate', num: true, cell: (p) => pct(p.hitRate) },
              { label: 'No value', num: true, cell: (p) => count(p.noValue) },
              { label: 'Failed', num: true, cell: (p) => count(p.failed) },
              { label: 'Accepted', num: true, cell: (p) => count(p.withinMaxFsd) },
              { label: 'Usable hit rate', num: true, cell: (p) => pct(p.usableHitRate) },
              { label: 'Mean FSD', num: true, cell: (p) => pct(p.meanFsd) },
            ]}
          />
          <p className="hint">
            Over the {count(avm.cascadeProperties)} properties whose cascade ran in this job; {count(avm.reusedValues)}{' '}
            values reused from the cache or stored results asked no provider and are not counted. Hit rate: a value for
            the properties asked; usable hit rate: a value within the FSD limit.
          </p>
        </div>
        {avm.providers.length > 0 && (
          <Chart
            name="avm-fsd"
            label="AVM answers per FSD band and provider"
            option={barOption(
              edges.map((upTo, i) => bandLabel(upTo, edges[i - 1])),
              avm.providers.map((p) => ({ name: p.provider, data: p.fsdBands.map((b) => b.count) })),
            )}
          />
        )}
      </div>
      <DataTable
        label="AVM accuracy"
        caption={`Accuracy against sales and appraisals dated within the ${avm.accuracy.windowMonths} months before the analysis`}
        rows={accuracy}
        rowKey={(a) => `${a.benchmark}-${a.provider}`}
        columns={[
          { label: 'Benchmark', cell: (a) => a.benchmark },
          { label: 'Provider', cell: (a) => a.provider },
          { label: 'Properties', num: true, cell: (a) => count(a.properties) },
          { label: 'MdAPE', num: true, cell: (a) => pct(a.mdape) },
          { label: 'PPE10', num: true, cell: (a) => pct(a.ppe10) },
          { label: 'PPE20', num: true, cell: (a) => pct(a.ppe20) },
          { label: 'Median error (bias)', num: true, cell: (a) => signedPct(a.medianError) },
        ]}
      />
      <p className="hint">
        MdAPE: median absolute error of the AVM value against the benchmark; PPE10 and PPE20: share of values within 10%
        and 20% of it; median error: over (+) or under (−) valuation. Appraisals count only for properties without such
        a sale.
      </p>
    </Section>
  );
}
