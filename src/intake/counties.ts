// County names as tapes write them, brought to one spelling per county of a state. Only what is certain is
// merged: case, spaces and punctuation (`Miami-Dade`, `Miami Dade`, `MIAMI-DADE`), the `County`/`Co.`/
// `Parish` suffix, accents, and `St`/`St.`/`Saint` (one word). What is not certain is kept apart: a state
// where one name is both a county and an independent city (St. Louis County, MO, FIPS 29189, and St. Louis
// city, 29510) keeps `County` and `city` in the name, and a bare `St. Louis` there is warned as ambiguous
// (countyFips settles it).
import type { UsState } from '../domain/schemas.ts';

/**
 * Names that are a county and an independent city of the same state (Census Bureau county-equivalents:
 * the independent cities of Maryland, Missouri and Virginia that share a county's name), by name key.
 */
const CITY_AND_COUNTY: Readonly<Partial<Record<UsState, Readonly<Record<string, { county: string; city: string }>>>>> =
  {
    MD: { BALTIMORE: { county: '24005', city: '24510' } },
    MO: { STLOUIS: { county: '29189', city: '29510' } },
    VA: {
      FAIRFAX: { county: '51059', city: '51600' },
      FRANKLIN: { county: '51067', city: '51620' },
      RICHMOND: { county: '51159', city: '51760' },
      ROANOKE: { county: '51161', city: '51770' },
    },
  };

const SUFFIXES: ReadonlySet<string> = new Set(['COUNTY', 'CO', 'PARISH']);
/** Words written several ways that are one word. */
const SAME_WORD: Readonly<Record<string, string>> = { SAINT: 'ST', SAINTE: 'STE' };

/** How a county cell is read in its state. */
export interface CountyName {
  /** The name to show: as written, spaces collapsed, the suffix dropped unless it tells a county from a city. */
  name: string;
  /** What spellings of one county share: `MIAMIDADE`, `STLOUISCOUNTY`. */
  key: string;
  /** The `County`/`Co.`/`Parish` suffix was dropped from the name. */
  suffixDropped: boolean;
  /** A bare name that is a county and an independent city of the state: both FIPS codes. */
  ambiguous?: { county: string; city: string } | undefined;
}

/** Upper-case words without accents or punctuation; `Saint` as `ST`. */
function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => SAME_WORD[w] ?? w);
}

/**
 * Reads a county name (`Harris County`, `harris co.`, `Miami-Dade`, `Saint Louis City`) of a property in
 * `state`. Pure; throws nothing.
 */
export function countyName(state: string, text: string): CountyName {
  const collapsed = text.trim().replace(/\s+/g, ' ');
  const all = words(collapsed);
  const last = all.at(-1);
  const hasSuffix = all.length > 1 && last !== undefined && SUFFIXES.has(last);
  const bare = hasSuffix ? all.slice(0, -1) : all;
  const pair = CITY_AND_COUNTY[state as UsState]?.[bare.join('')];
  if (pair !== undefined)
    // `St. Louis County` and `St. Louis city` are two counties: the suffix is part of the name here.
    return {
      name: collapsed,
      key: hasSuffix ? `${bare.join('')}COUNTY` : all.join(''),
      suffixDropped: false,
      ...(!hasSuffix && { ambiguous: pair }),
    };
  if (!hasSuffix) return { name: collapsed, key: all.join(''), suffixDropped: false };
  const name = collapsed.replace(/[\s,]+(?:county|co\.?|parish)\.?$/i, '');
  return { name, key: bare.join(''), suffixDropped: name !== collapsed };
}
