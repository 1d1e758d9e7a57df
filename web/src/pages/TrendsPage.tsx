// A portfolio across its complete runs: total value, weighted LTV, tier counts and HHI as line charts.
// The portfolio is chosen from those of recent jobs, or typed.
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { api } from '../api.ts';
import { count, money, moneyCompact, pct } from '../format.ts';
import { ErrorNote, Loading, Section } from '../components/common.tsx';
import { Chart, TIER_COLORS, type ChartOption } from '../components/Chart.tsx';
import type { TrendPoint } from '../../../src/domain/trend.ts';

/** Line chart of per-run values; `axis` formats the value axis (compact), `format` the tooltip (exact). */
function lineOption(
  points: TrendPoint[],
  series: Array<{ name: string; values: Array<number | null>; color?: string }>,
  format: (v: number) => string,
  axis: (v: number) => string = format,
): ChartOption {
  return {
    grid: { left: 80, right: 70, top: 36, bottom: 40 },
    legend: series.length > 1 ? { top: 0 } : undefined,
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '–' : format(v)) },
    xAxis: {
      type: 'category',
      data: points.map((p) => p.generatedAt.slice(0, 16).replace('T', ' ')),
      boundaryGap: false,
    },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: axis } },
    series: series.map((s) => ({
      type: 'line',
      name: s.name,
      data: s.values,
      symbolSize: 7,
      connectNulls: false,
      ...(s.color && { itemStyle: { color: s.color }, lineStyle: { color: s.color } }),
    })),
  };
}

export function TrendsPage({ portfolioId }: { portfolioId?: string }) {
  const [, navigate] = useLocation();
  const [typed, setTyped] = useState(portfolioId ?? '');
  const recent = useQuery({ queryKey: ['jobs', 'recent-portfolios'], queryFn: () => api.jobs({ pageSize: 100 }) });
  const portfolios = [...new Set(recent.data?.jobs.map((j) => j.portfolioId) ?? [])].sort();
  const trend = useQuery({
    queryKey: ['trend', portfolioId],
    queryFn: () => api.trends(portfolioId!),
    enabled: portfolioId !== undefined,
  });

  function choose(event: FormEvent) {
    event.preventDefault();
    if (typed.trim()) navigate(`/trends/${encodeURIComponent(typed.trim())}`);
  }

  const points = trend.data ?? [];
  return (
    <>
      <h1>Portfolio trends</h1>
      <form className="filters" onSubmit={choose} aria-label="Choose a portfolio">
        <div className="field field-grow">
          <label htmlFor="trend-portfolio">Portfolio</label>
          <input
            id="trend-portfolio"
            list="trend-portfolios"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
          <datalist id="trend-portfolios">
            {portfolios.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </div>
        <button type="submit">Show</button>
      </form>
      {portfolioId === undefined && (
        <p className="hint">
          Choose a portfolio: one point per complete run (cancelled and partial runs measure part of the book and are
          left out).
        </p>
      )}
      {trend.error && <ErrorNote error={trend.error} />}
      {portfolioId !== undefined && trend.isPending && <Loading what="the trend" />}
      {trend.data && points.length === 0 && <p className="hint">No complete run of {portfolioId} yet.</p>}
      {points.length > 0 && (
        <>
          <p className="subtitle">
            {count(points.length)} runs of <span className="mono">{portfolioId}</span>, latest{' '}
            {points[points.length - 1]!.date}: {money(points[points.length - 1]!.totalValue)} over{' '}
            {count(points[points.length - 1]!.properties)} properties.
          </p>
          <div className="report-grid">
            <Section id="trend-value" title="Total current value">
              <Chart
                name="trend-value"
                label="Total current value per run, in dollars"
                option={lineOption(
                  points,
                  [{ name: 'Total value', values: points.map((p) => p.totalValue) }],
                  money,
                  moneyCompact,
                )}
              />
            </Section>
            <Section id="trend-ltv" title="Weighted LTV">
              <Chart
                name="trend-ltv"
                label="Weighted LTV per run"
                option={lineOption(points, [{ name: 'Weighted LTV', values: points.map((p) => p.weightedLtv) }], (v) =>
                  pct(v),
                )}
              />
            </Section>
            <Section id="trend-tiers" title="Risk tiers">
              <Chart
                name="trend-tiers"
                label="Properties per risk tier per run"
                option={lineOption(
                  points,
                  (['A', 'B', 'C', 'D'] as const).map((t) => ({
                    name: `Tier ${t}`,
                    values: points.map((p) => p.tiers[t]),
                    color: TIER_COLORS[t],
                  })),
                  count,
                )}
              />
            </Section>
            <Section id="trend-hhi" title="Concentration (HHI)">
              <Chart
                name="trend-hhi"
                label="HHI by state, county and ZIP per run"
                option={lineOption(
                  points,
                  (['state', 'county', 'zip'] as const).map((d) => ({
                    name: d === 'zip' ? 'ZIP' : d[0]!.toUpperCase() + d.slice(1),
                    values: points.map((p) => Math.round(p.hhi[d])),
                  })),
                  count,
                )}
              />
            </Section>
          </div>
        </>
      )}
    </>
  );
}
