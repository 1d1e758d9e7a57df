// The dashboard's bar charts: one ECharts option builder for every bar chart of the report (vertical or
// horizontal, grouped or stacked), and the report's fixed-bin distributions as bar categories.
import type { Report } from '../api.ts';
import type { ChartOption } from '../components/Chart.tsx';

/** The risk tiers, best first (the order of every tier chart and table). */
export const TIERS = ['A', 'B', 'C', 'D'] as const;

type Distribution = NonNullable<Report['distributions']>['valueChange'];

const binLabel = (from: number, to: number) => `${Math.round(from * 100)}% to ${Math.round(to * 100)}%`;

/** A distribution's bins as bar categories, with the tails (below the first, above the last) as end bars. */
export function histogramData(d: Distribution): Array<{ label: string; count: number }> {
  const first = d.bins[0];
  const last = d.bins[d.bins.length - 1];
  return [
    ...(d.under > 0 && first ? [{ label: `< ${Math.round(first.from * 100)}%`, count: d.under }] : []),
    ...d.bins.map((b) => ({ label: binLabel(b.from, b.to), count: b.count })),
    ...(d.over > 0 && last ? [{ label: `≥ ${Math.round(last.to * 100)}%`, count: d.over }] : []),
  ];
}

/**
 * A bar chart over `categories`: one bar per series and category (stacked when series share a `stack`),
 * horizontal bars when `horizontal`; `valueFormatter` formats the value axis and the tooltip.
 */
export function barOption(
  categories: string[],
  series: Array<{ name: string; data: number[]; color?: string; stack?: string }>,
  options: { horizontal?: boolean; valueFormatter?: (v: number) => string; rotate?: number } = {},
): ChartOption {
  const category = {
    type: 'category',
    data: categories,
    axisLabel: { rotate: options.rotate ?? 0, interval: 0, fontSize: 11 },
  };
  const value = {
    type: 'value',
    ...(options.valueFormatter && { axisLabel: { formatter: options.valueFormatter } }),
  };
  return {
    grid: { left: options.horizontal ? 150 : 60, right: 24, top: series.length > 1 ? 36 : 16, bottom: 70 },
    // A wide gap: ECharts measures legend text in its default font, narrower than the page's.
    legend: series.length > 1 ? { top: 0, itemGap: 24 } : undefined,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      ...(options.valueFormatter && { valueFormatter: options.valueFormatter }),
    },
    xAxis: options.horizontal ? value : category,
    yAxis: options.horizontal ? { ...category, inverse: true, axisLabel: { fontSize: 11 } } : value,
    series: series.map((s) => ({
      type: 'bar',
      name: s.name,
      data: s.data,
      ...(s.stack && { stack: s.stack }),
      ...(s.color && { itemStyle: { color: s.color } }),
      barMaxWidth: 36,
    })),
  };
}
