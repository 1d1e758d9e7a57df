// The report's stress scenarios: house-price shocks applied to the values this run stored (no paid call),
// the loans re-tiered by the same rule. Tier mix today and under each shock as stacked bars; per scenario
// the weighted LTV/CLTV, the pre-distressed loans and their exposure, and the tier migration from today.
import type { Report } from '../api.ts';
import { count, money, pct, signedPct } from '../format.ts';
import { Section } from '../components/common.tsx';
import { Chart, TIER_COLORS } from '../components/Chart.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { barOption, TIERS } from './bar-option.ts';
import { MigrationTable } from './MigrationTable.tsx';

type Stress = NonNullable<Report['stress']>;
type Figures = Stress['baseline'];
type Scenario = Stress['scenarios'][number];

interface Row {
  name: string;
  shock: string;
  figures: Figures;
  worsened?: number;
}

const shockOf = (s: Scenario): string =>
  [
    `${signedPct(s.shock, 0)} everywhere`,
    ...Object.entries(s.stateShocks).map(([state, shock]) => `${state} ${signedPct(shock, 0)}`),
  ].join(', ');

export function StressSection({ stress, jobId }: { stress: Stress; jobId: string }) {
  const rows: Row[] = [
    { name: 'Today', shock: 'none', figures: stress.baseline },
    ...stress.scenarios.map((s) => ({ name: s.name, shock: shockOf(s), figures: s, worsened: s.worsened })),
  ];
  const limits = stress.tierLimits;
  if (stress.loans === 0)
    return (
      <Section id="stress" title="Stress scenarios">
        <p className="hint">No loan with a value in this run: nothing to stress.</p>
      </Section>
    );
  return (
    <Section id="stress" title={`Stress scenarios (${count(stress.loans)} loans)`} wide>
      <Chart
        name="stress-tiers"
        height={240}
        label="Loans per risk tier today and under each house-price shock"
        option={barOption(
          rows.map((r) => r.name),
          TIERS.map((t) => ({
            name: `Tier ${t}`,
            data: rows.map((r) => r.figures.tiers[t]),
            color: TIER_COLORS[t],
            stack: 'tiers',
          })),
        )}
      />
      <DataTable
        label="Stress scenarios"
        rows={rows}
        rowKey={(r) => r.name}
        columns={[
          { label: 'Scenario', cell: (r) => r.name },
          { label: 'Shock', cell: (r) => r.shock },
          { label: 'Weighted LTV', num: true, cell: (r) => pct(r.figures.weightedLtv) },
          { label: 'Weighted CLTV', num: true, cell: (r) => pct(r.figures.weightedCltv) },
          {
            label: 'Pre-distressed (of loans)',
            num: true,
            cell: (r) => `${count(r.figures.preDistressed.count)} (${pct(r.figures.preDistressed.share)})`,
          },
          { label: 'Their exposure (both liens)', num: true, cell: (r) => money(r.figures.preDistressed.exposure) },
          { label: 'Tier worsened', num: true, cell: (r) => (r.worsened === undefined ? '' : count(r.worsened)) },
        ]}
      />
      <p className="hint">
        The values this run stored, moved by each shock; loans re-tiered by the same rule (A up to {pct(limits.A, 0)}, B
        up to {pct(limits.B, 0)}, C up to {pct(limits.C, 0)}, D above: pre-distressed), a tier lowered for a weak value
        basis lowered again. Properties without a loan and failed ones are left out. Other scenarios: the CLI's{' '}
        <span className="mono">stress {jobId}</span> or POST /api/portfolio/jobs/{jobId}/stress (no paid call).
      </p>
      {stress.scenarios.map((s) => (
        <details key={s.name} className="migration">
          <summary>Tier migration under {s.name}</summary>
          <MigrationTable label={`Tier migration under ${s.name}`} fromLabel="Tier today" matrix={s.migration} />
        </details>
      ))}
    </Section>
  );
}
