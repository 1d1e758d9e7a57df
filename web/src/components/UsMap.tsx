// Value share by state on a US map: the us-atlas state shapes (Census cartographic boundaries, already
// projected to Albers USA with Alaska and Hawaii inset) turned into GeoJSON by topojson-client and drawn
// by ECharts as a choropleth. Territories are not on the map; the table beside it lists them.
import { useMemo } from 'react';
import * as echarts from 'echarts/core';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import statesTopology from 'us-atlas/states-albers-10m.json';
import { Chart } from './Chart.tsx';
import { money, pct } from '../format.ts';

/**
 * USPS code of each state's FIPS code (the `id` of a us-atlas state). Source: Census Bureau, "FIPS State
 * Codes" (ANSI INCITS 38).
 */
const USPS_BY_FIPS: Record<string, string> = {
  '01': 'AL',
  '02': 'AK',
  '04': 'AZ',
  '05': 'AR',
  '06': 'CA',
  '08': 'CO',
  '09': 'CT',
  '10': 'DE',
  '11': 'DC',
  '12': 'FL',
  '13': 'GA',
  '15': 'HI',
  '16': 'ID',
  '17': 'IL',
  '18': 'IN',
  '19': 'IA',
  '20': 'KS',
  '21': 'KY',
  '22': 'LA',
  '23': 'ME',
  '24': 'MD',
  '25': 'MA',
  '26': 'MI',
  '27': 'MN',
  '28': 'MS',
  '29': 'MO',
  '30': 'MT',
  '31': 'NE',
  '32': 'NV',
  '33': 'NH',
  '34': 'NJ',
  '35': 'NM',
  '36': 'NY',
  '37': 'NC',
  '38': 'ND',
  '39': 'OH',
  '40': 'OK',
  '41': 'OR',
  '42': 'PA',
  '44': 'RI',
  '45': 'SC',
  '46': 'SD',
  '47': 'TN',
  '48': 'TX',
  '49': 'UT',
  '50': 'VT',
  '51': 'VA',
  '53': 'WA',
  '54': 'WV',
  '55': 'WI',
  '56': 'WY',
};

const MAP_NAME = 'us-states';
let registered = false;

type Position = number[];
type Rings = Position[][];

/** Screen coordinates (y down) as ECharts' geographic ones (y up): the y axis mirrored. */
const mirror = (rings: Rings): Rings => rings.map((ring) => ring.map(([x = 0, y = 0]) => [x, -y]));

/**
 * Registers the state shapes with ECharts once, each named by its USPS code. The shapes are already
 * projected (Albers USA, screen coordinates); with y mirrored, ECharts draws them as they are, at an
 * aspect ratio of 1.
 */
function registerMap(): void {
  if (registered) return;
  const topology = statesTopology as unknown as Topology<{ states: GeometryCollection<{ name: string }> }>;
  const states = feature(topology, topology.objects.states);
  for (const f of states.features) {
    f.properties = { ...f.properties, name: USPS_BY_FIPS[String(f.id)] ?? String(f.id) };
    const g = f.geometry;
    if (g.type === 'Polygon') g.coordinates = mirror(g.coordinates);
    else if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map(mirror);
  }
  echarts.registerMap(MAP_NAME, states as unknown as Parameters<typeof echarts.registerMap>[1]);
  registered = true;
}

export interface StateShare {
  key: string;
  properties: number;
  value: number;
  valueShare: number;
}

export function UsMap({ states }: { states: StateShare[] }) {
  const option = useMemo(() => {
    registerMap();
    const max = Math.max(0.01, ...states.map((s) => s.valueShare));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; data?: StateShare & { name: string } }) =>
          p.data
            ? `${p.name}: ${pct(p.data.valueShare)} of value (${money(p.data.value)}, ${p.data.properties} properties)`
            : `${p.name}: none`,
      },
      visualMap: {
        min: 0,
        max,
        left: 'right',
        bottom: 10,
        text: [pct(max, 0), '0%'],
        calculable: false,
        inRange: { color: ['#dbe8f4', '#1f4e79'] },
        formatter: (v: number) => pct(v, 0),
      },
      series: [
        {
          type: 'map',
          name: 'Share of current value',
          map: MAP_NAME,
          aspectScale: 1,
          // An explicit place and size: ECharts' box layout around the visual map can hand the map an empty
          // box in one layout pass (a singular transform, thrown as a TypeError).
          layoutCenter: ['45%', '50%'],
          layoutSize: '100%',
          roam: false,
          itemStyle: { borderColor: '#ffffff', borderWidth: 0.6, areaColor: '#f2f4f6' },
          emphasis: { itemStyle: { areaColor: '#b9770e' }, label: { show: false } },
          select: { disabled: true },
          data: states.map((s) => ({ ...s, name: s.key, value: s.valueShare })),
        },
      ],
    };
  }, [states]);
  return <Chart name="state-map" label="Share of current value by state" option={option} height={360} />;
}
