// Every normalisation the intake makes, and every doubtful thing it lets through, is counted by kind and
// reported with a few examples: "412 ZIP+4 codes written without a dash were normalised to 12345-6789".
// Counting is all a warning costs per row, so a 1,000,000-row tape keeps a few dozen warnings in memory.
import { agree, counted as plural } from '../domain/plural.ts';
import { MAX_WARNING_EXAMPLES, type IntakeWarning, type WarningCode } from '../domain/data-quality.ts';

const inField = (field: string | undefined) => (field === undefined ? '' : ` in ${field}`);

interface WarningText {
  message(count: number, field: string | undefined, examples: readonly WarningOccurrence[]): string;
  fix?: string;
  /** Keep every occurrence as an example (for warnings bounded by the number of columns). */
  everyExample?: boolean;
}

/** What each warning code says. Codes are stable (programs match on them); messages are for people. */
export const WARNINGS = {
  ENCODING_WINDOWS_1252: {
    message: () =>
      'the file is not valid UTF-8: it was read as Windows-1252, the encoding of Excel\'s "CSV (Comma delimited)"',
    fix: 'save as "CSV UTF-8" to be sure every character is read as meant',
  },
  HEADER_MATCHED: {
    message: (n, _field, examples) =>
      `${plural(n, 'header', 'headers')} read by synonym or column map: ${examples.map((e) => `'${e.value}' as ${e.normalised}`).join(', ')}`,
    everyExample: true,
  },
  COLUMN_IGNORED: {
    message: (n, _field, examples) =>
      `${plural(n, 'column', 'columns')} ignored: ${examples.map((e) => `'${e.value}'`).join(', ')}`,
    everyExample: true,
  },
  EMPTY_COLUMNS_IGNORED: {
    message: (n) => `${plural(n, 'column', 'columns')} without a header and without a value ignored`,
  },
  TRAILING_CELLS_IGNORED: {
    message: (n) => `${plural(n, 'row has', 'rows have')} empty cells beyond the last column; they were ignored`,
  },
  TOTALS_ROW_SKIPPED: { message: (n) => `${plural(n, 'totals row was', 'totals rows were')} skipped` },
  NULL_TOKEN: {
    message: (n, field) =>
      `${plural(n, 'placeholder cell', 'placeholder cells')} (N/A, NULL, -, #N/A, ...)${inField(field)} read as empty`,
  },
  MONEY_FORMAT: {
    message: (n, field) =>
      `${plural(n, 'amount', 'amounts')} written with $ or thousands separators${inField(field)} read as ${agree(n, 'a plain number', 'plain numbers')}`,
  },
  THOUSANDS_SEPARATOR: {
    message: (n, field) =>
      `${plural(n, 'number', 'numbers')} written with thousands separators${inField(field)} read as ${agree(n, 'a plain number', 'plain numbers')}`,
  },
  DECIMAL_COMMA: {
    message: (n, field) =>
      `${plural(n, 'number', 'numbers')} written with a decimal comma${inField(field)} read with a decimal point`,
  },
  NUMBER_AS_TEXT: {
    message: (n, field) =>
      `${plural(n, 'number', 'numbers')} written as text${inField(field)} read as ${agree(n, 'a number', 'numbers')}`,
  },
  VALUE_AS_TEXT: {
    message: (n, field) => `${plural(n, 'number', 'numbers')} given for text${inField(field)} read as text`,
  },
  DATE_MDY: {
    message: (n, field) => `${plural(n, 'date', 'dates')} written M/D/YYYY${inField(field)} read as YYYY-MM-DD`,
  },
  DATE_MIDNIGHT: {
    message: (n, field) =>
      `${plural(n, 'date-time', 'date-times')} at midnight${inField(field)} read as ${agree(n, 'its', 'their')} date (YYYY-MM-DD)`,
  },
  ZIP4_DASH: {
    message: (n) =>
      `${plural(n, 'ZIP+4 code', 'ZIP+4 codes')} written without a dash ${agree(n, 'was', 'were')} normalised to 12345-6789`,
  },
  ZIP_FROM_NUMBER: {
    message: (n) =>
      `${plural(n, '5-digit ZIP', '5-digit ZIPs')} given as ${agree(n, 'a number', 'numbers')} read as text`,
    fix: 'store ZIPs as text: a ZIP stored as a number loses its leading zeros',
  },
  STATE_CODE: {
    message: (n) =>
      `${plural(n, 'state', 'states')} written as ${agree(n, 'a name', 'names')} or in lower case normalised to ${agree(n, 'its USPS code', 'USPS codes')}`,
  },
  PROPERTY_TYPE_MAPPED: {
    message: (n) =>
      `${plural(n, 'property type', 'property types')} written in agency, HMDA or plain-English vocabulary mapped to this product's types`,
  },
  PROPERTY_TYPE_FROM_UNITS: {
    message: (n) =>
      `${plural(n, "property type '1-4 family'", "property types '1-4 family'")} resolved by the number of units (1: SFR, 2-4: MULTI_2_4)`,
  },
  ENUM_CASE: { message: (n, field) => `${plural(n, 'value', 'values')}${inField(field)} read ignoring case` },
  COUNTY_SUFFIX: {
    message: (n) =>
      `${plural(n, 'county name', 'county names')} written with County, Co. or Parish read without the suffix`,
  },
  COUNTY_SPELLING: {
    message: (n) =>
      `${plural(n, 'county name', 'county names')} spelled differently from the first occurrence of the county in its state (case, spaces, punctuation, accents, St./Saint) read as that first spelling`,
  },
  COUNTY_CITY_AMBIGUOUS: {
    message: (n) =>
      `${plural(n, 'county name names', 'county names name')} both a county and an independent city of the state (St. Louis, MO; Baltimore, MD; Fairfax, Franklin, Richmond, Roanoke, VA): kept as written, a group of its own`,
    fix: "write 'NAME County' or 'NAME city', or give countyFips",
  },
  COUNTY_FIPS_IN_COUNTY: {
    message: (n) =>
      `${plural(n, '5-digit county FIPS code', '5-digit county FIPS codes')} in county read as countyFips`,
  },
  LINE_BREAK_IN_TEXT: {
    message: (n, field) =>
      `${plural(n, 'line break', 'line breaks')} inside text${inField(field)} read as ${agree(n, 'a space', 'spaces')}`,
  },
  UNITS_INCONSISTENT: {
    message: (n) =>
      `${plural(n, 'property has', 'properties have')} a number of units that does not fit their type (2-4 units: MULTI_2_4; 5 or more: MULTIFAMILY; one: every other residential type)`,
    fix: 'correct propertyType or units',
  },
  COORDINATES_OUTSIDE_US: {
    message: (n) => `${plural(n, 'property has', 'properties have')} coordinates outside the United States`,
    fix: 'check latitude and longitude (a pair that fits when swapped is marked in the example)',
  },
  DUPLICATE_PROPERTY: {
    message: (n) =>
      `${plural(n, 'row is', 'rows are')} the same physical property (street address, unit and ZIP) as an earlier row under another propertyId; each is valued on its own`,
    fix: 'keep one row per property, or give each unit its unit number',
  },
  SHARED_ADDRESS_NO_UNIT: {
    message: (n) =>
      `${plural(n, 'condo, co-op or multi-unit row shares', 'condo, co-op or multi-unit rows share')} a street address with an earlier row and has no unit number; each is valued on its own`,
    fix: 'give each unit its unit number (a unit column, or "Apt 4B" in the address)',
  },
  UNIT_MISSING: {
    message: (n) =>
      `${plural(n, 'condo or co-op has', 'condos or co-ops have')} no unit number: an AVM can only value the building's address, and the value is not reused for another property`,
    fix: 'give each unit its unit number (a unit column, or "Apt 4B" in the address)',
  },
} as const satisfies Record<WarningCode, WarningText>;
export type { WarningCode };

export interface WarningOccurrence {
  /** `row 4` or `properties[3]`. */
  at: string;
  row?: number | undefined;
  value?: string | undefined;
  normalised?: string | undefined;
}

interface Tally {
  code: WarningCode;
  field: string | undefined;
  count: number;
  examples: WarningOccurrence[];
}

/** Counts warnings by (code, field), keeping the first few occurrences of each. */
export class WarningTally {
  readonly #tallies = new Map<string, Tally>();

  add(code: WarningCode, field: string | undefined, occurrence: WarningOccurrence, count = 1): void {
    const key = `${code}\u0000${field ?? ''}`;
    let tally = this.#tallies.get(key);
    if (!tally) {
      tally = { code, field, count: 0, examples: [] };
      this.#tallies.set(key, tally);
    }
    tally.count += count;
    const text: WarningText = WARNINGS[code];
    if (text.everyExample === true || tally.examples.length < MAX_WARNING_EXAMPLES) tally.examples.push(occurrence);
  }

  /** The warnings in the order their kinds were first seen. */
  list(): IntakeWarning[] {
    return [...this.#tallies.values()].map(({ code, field, count, examples }) => {
      const text: WarningText = WARNINGS[code];
      return {
        code,
        ...(field !== undefined && { field }),
        count,
        message: text.message(count, field, examples),
        ...(text.fix !== undefined && { fix: text.fix }),
        examples: examples.map((e) => ({
          at: e.at,
          ...(e.row !== undefined && { row: e.row }),
          ...(e.value !== undefined && { value: e.value }),
          ...(e.normalised !== undefined && { normalised: e.normalised }),
        })),
      };
    });
  }
}
