// One ECharts chart: SVG renderer (crisp on any screen, readable by tests and screen readers), the library's
// own ARIA description (aria.enabled: ECharts writes a summary of the series and their data into the
// container's aria-label), resized with its container. Only the parts of ECharts the dashboard uses are
// registered, which keeps the bundle small.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  ScatterChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/** The palette of the dashboard: sober blues and greys, with amber and red kept for risk. */
export const PALETTE = ['#1f4e79', '#2e86c1', '#5d6d7e', '#117864', '#b9770e', '#922b21', '#7d3c98', '#85929e'];
export const TIER_COLORS: Record<string, string> = { A: '#1e7b4f', B: '#6aa84f', C: '#d4a017', D: '#b03a2e' };

const BASE: ChartOption = {
  color: PALETTE,
  textStyle: { fontFamily: 'inherit', color: '#1b2631' },
  animation: false,
  aria: { enabled: true },
  tooltip: { confine: true },
};

export interface ChartProps {
  /** Stable name: the chart's test id (`chart-{name}`) and its accessible name prefix. */
  name: string;
  /** What the chart shows, for people who cannot see it (ECharts adds the data summary). */
  label: string;
  option: ChartOption;
  height?: number;
}

function hasSize(element: HTMLElement): boolean {
  return element.clientWidth > 0 && element.clientHeight > 0;
}

export function Chart({ name, label, option, height = 280 }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const latest = useRef({ option, label });
  latest.current = { option, label };
  const drawn = useRef<typeof latest.current | null>(null);

  /** Draws the latest option; ECharts' generated data summary goes into aria-label after the human title. */
  function draw(instance: echarts.ECharts, element: HTMLDivElement) {
    drawn.current = latest.current;
    instance.setOption({ ...BASE, ...latest.current.option }, { notMerge: true });
    const generated = element.getAttribute('aria-label') ?? '';
    if (!generated.startsWith(latest.current.label))
      element.setAttribute('aria-label', `${latest.current.label}. ${generated}`);
  }

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    // ECharts lays a chart (a map above all) out in its container's box, and a 0x0 box gives the map a
    // singular transform (a TypeError inside ECharts). So a chart is created, resized and redrawn only while
    // its container has a real size: a container leaving the page shrinks to 0x0 first, and an option that
    // arrives meanwhile is drawn when the container has a size again.
    const observer = new ResizeObserver(() => {
      if (!hasSize(element)) return;
      if (!chart.current) chart.current = echarts.init(element, null, { renderer: 'svg' });
      else chart.current.resize();
      if (drawn.current?.option !== latest.current.option || drawn.current.label !== latest.current.label)
        draw(chart.current, element);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (chart.current && ref.current && hasSize(ref.current)) draw(chart.current, ref.current);
  }, [option, label]);

  return (
    <div ref={ref} className="chart" role="img" data-testid={`chart-${name}`} data-chart={name} style={{ height }} />
  );
}
