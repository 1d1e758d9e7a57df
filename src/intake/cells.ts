// One cell's value, read the way lenders write it and normalised only where the reading is certain:
// `$1,234,567.00` is 1234567, `3/15/2024` is 2024-03-15, `021341234` is 02134-1234, `Texas` is TX, `SF` is
// SFR. What is ambiguous is refused with the fix (`2134` may be 02134 or a typo: say so, never pad it),
// and every change is reported (as a note the caller counts into a warning).
import { isCalendarDate } from '../domain/fields.ts';
import type { FieldLeaf } from '../domain/property-fields.ts';
import { PROPERTY_TYPES, type PropertyType } from '../domain/schemas.ts';
import { quoteCell } from '../domain/data-quality.ts';
import { stateCode } from './us-states.ts';
import { stateOfZeroZip } from './zip-prefixes.ts';
import { ONE_TO_FOUR_FAMILY_WORDS, PROPERTY_TYPE_WORDS, propertyTypeKey } from './vocabulary.ts';
import type { WarningCode } from './warnings.ts';

/** A cell as a reader hands it over: CSV gives text; XLSX and JSON give typed values. */
export type Cell = string | number | boolean | Date | null | undefined;

/** How the file writes numbers and dates: a `;`-separated file comes from a European locale. */
export interface Dialect {
  /** `450000,00` is 450000.00; `1.234.567,00` is 1234567.00. */
  decimalComma: boolean;
  /** A file a spreadsheet writes (CSV, XLSX), whose columns have a cell format: hints may name it. */
  spreadsheet: boolean;
}

/** Formats read after the rest of their row, with its `RowContext`. */
export const ROW_CONTEXT_FORMATS: ReadonlySet<FieldFormat['kind']> = new Set(['propertyType', 'zip']);

/** What the rest of the row tells about a cell: the number of units (for `1-4 family`), the state (for a ZIP). */
export interface RowContext {
  units?: number | undefined;
  /** The row's state as read (a USPS code when it is one). */
  state?: string | undefined;
}

export interface CellNote {
  code: WarningCode;
  value: string;
  normalised: string;
}

export interface CellError {
  code: string;
  message: string;
  fix?: string | undefined;
}

export type CellOutcome =
  | { kind: 'empty'; note?: CellNote | undefined }
  | { kind: 'value'; value: string | number; note?: CellNote | undefined }
  | { kind: 'error'; error: CellError; note?: undefined };

/** How a field's cells are read: a field's leaf kind, refined by what the field is. */
export type FieldFormat =
  | { kind: 'number'; integer: boolean; money: boolean }
  | { kind: 'text' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'date' }
  | { kind: 'zip' }
  | { kind: 'state' }
  | { kind: 'county' }
  | { kind: 'countyFips' }
  | { kind: 'propertyType' };

/** The format of a field from its name and leaf (the last segment of its path). */
export function formatOf(name: string, leaf: FieldLeaf): FieldFormat {
  if (leaf.kind === 'number') return { kind: 'number', integer: leaf.integer, money: leaf.money };
  switch (name) {
    case 'zip':
      return { kind: 'zip' };
    case 'state':
      return { kind: 'state' };
    case 'county':
      return { kind: 'county' };
    case 'countyFips':
      return { kind: 'countyFips' };
    case 'propertyType':
      return { kind: 'propertyType' };
  }
  if (leaf.format === 'date') return { kind: 'date' };
  if (leaf.values) return { kind: 'enum', values: leaf.values };
  return { kind: 'text' };
}

/** Spreadsheet and database placeholders for "no value" (compared upper case, trimmed). */
export const NULL_TOKENS: ReadonlySet<string> = new Set(['N/A', 'NA', 'NULL', 'NONE', 'NAN', '-', '--', '#N/A']);

const value = (v: string | number, note?: CellNote): CellOutcome => ({ kind: 'value', value: v, note });
const error = (code: string, message: string, fix?: string): CellOutcome => ({
  kind: 'error',
  error: { code, message: fix === undefined ? message : `${message}: ${fix}`, fix },
});
const note = (code: WarningCode, from: string, to: string | number): CellNote => ({
  code,
  value: from,
  normalised: String(to),
});

/**
 * Reads one cell for a field of `format`. Empty cells and null tokens are `empty` (the caller decides
 * whether the field may be absent); `context.units` lets a `1-4 family` property type be resolved.
 */
export function readCell(cell: Cell, format: FieldFormat, dialect: Dialect, context: RowContext = {}): CellOutcome {
  if (cell === null || cell === undefined) return { kind: 'empty' };
  if (typeof cell === 'string') {
    const text = cell.trim();
    if (text === '') return { kind: 'empty' };
    if (NULL_TOKENS.has(text.toUpperCase())) return { kind: 'empty', note: note('NULL_TOKEN', text, '') };
    return readText(text, format, dialect, context);
  }
  if (typeof cell === 'number') return readNumber(cell, format, dialect, context);
  if (cell instanceof Date) return readDate(cell, format);
  return error('WRONG_TYPE', `is ${String(cell)}, not ${describeFormat(format)}`);
}

function describeFormat(format: FieldFormat): string {
  switch (format.kind) {
    case 'number':
      return format.money ? 'an amount' : 'a number';
    case 'date':
      return 'a date';
    case 'enum':
      return `one of ${format.values.join(', ')}`;
    default:
      return 'text';
  }
}

function readText(text: string, format: FieldFormat, dialect: Dialect, context: RowContext): CellOutcome {
  switch (format.kind) {
    case 'number':
      return readNumberText(text, format, dialect);
    case 'date':
      return readDateText(text, dialect);
    case 'zip':
      return readZipText(text, dialect, context);
    case 'state':
      return readStateText(text);
    case 'county':
      return readCountyText(text);
    case 'countyFips':
      return /^\d{5}$/.test(text)
        ? value(text)
        : /^\d{4}$/.test(text)
          ? error(
              'LEADING_ZERO_LOST',
              `${quoteCell(text)} looks like a county FIPS code that lost its leading zero`,
              `write ${text.padStart(5, '0')}`,
            )
          : error('INVALID_COUNTY_FIPS', `${quoteCell(text)} is not a county FIPS code`, 'write 5 digits like 48201');
    case 'propertyType':
      return readPropertyTypeText(text, context);
    case 'enum': {
      const match = format.values.find((v) => v.toLowerCase() === text.toLowerCase());
      if (match === undefined) return value(text); // the schema names the allowed values
      return match === text ? value(text) : value(match, note('ENUM_CASE', text, match));
    }
    case 'text':
      if (/[\r\n]/.test(text)) {
        // A line break inside a quoted cell is a wrapped line (Alt+Enter in a spreadsheet), not data.
        const joined = text.replace(/\s*[\r\n]+\s*/g, ' ');
        return value(joined, note('LINE_BREAK_IN_TEXT', text, joined));
      }
      return value(text);
  }
}

function readNumber(n: number, format: FieldFormat, dialect: Dialect, context: RowContext): CellOutcome {
  if (!Number.isFinite(n)) return error('NOT_A_NUMBER', `is ${n}`, 'write a finite number');
  switch (format.kind) {
    case 'number':
      return value(n);
    case 'zip':
      return readZipNumber(n, dialect, context);
    case 'date':
      return EXCEL_SERIAL.test(String(n))
        ? excelSerialError(String(n))
        : error('INVALID_DATE', `is the number ${n}, not a date`, 'write YYYY-MM-DD');
    case 'countyFips':
      return Number.isInteger(n) && n >= 1000 && n <= 99999
        ? error(
            'NUMBER_FOR_TEXT',
            `is the number ${n}: a county FIPS code stored as a number loses its leading zero`,
            `write "${String(n).padStart(5, '0')}" as text`,
          )
        : error('INVALID_COUNTY_FIPS', `is the number ${n}, not a county FIPS code`, 'write 5 digits like "48201"');
    default: {
      // A whole number for a text field is its digits (`unit: 101`), as long as no digit was lost on the way.
      if (!Number.isSafeInteger(n)) return error('NUMBER_FOR_TEXT', `is the number ${n}, not text`, 'write it as text');
      const outcome = readText(String(n), format, { ...dialect, decimalComma: false }, {});
      return outcome.kind === 'value' ? value(outcome.value, note('VALUE_AS_TEXT', String(n), outcome.value)) : outcome;
    }
  }
}

/**
 * The first day Excel numbers with five digits (day 10000 of the 1900 date system). A workbook's date cell before it
 * is refused, as a number of fewer digits is not taken for a date: such a day number is more likely a value that was
 * never a day number. Some tools store a date as ISO text in a cell of type "d" (Strict Open XML); the streaming
 * reader reads that text as a number, so 2024-03-15 arrives as day 2024, 1905-07-16, which would pass every other
 * check. No date a loan tape holds (appraisals, originations, sales) is that old.
 */
const FIRST_FIVE_DIGIT_EXCEL_DAY = '1927-05-18';

function readDate(date: Date, format: FieldFormat): CellOutcome {
  if (format.kind !== 'date') return error('WRONG_TYPE', `is a date, not ${describeFormat(format)}`);
  if (Number.isNaN(date.getTime())) return error('INVALID_DATE', 'is not a valid date', 'write YYYY-MM-DD');
  const iso = date.toISOString();
  if (!iso.endsWith('T00:00:00.000Z'))
    return error('DATE_WITH_TIME', `is a date and time (${iso})`, `write the date alone (${iso.slice(0, 10)})`);
  const day = iso.slice(0, 10);
  if (day < FIRST_FIVE_DIGIT_EXCEL_DAY)
    return error(
      'IMPLAUSIBLE_SHEET_DATE',
      `is the date ${day}, earlier than any a loan tape holds: the cell is likely not the date it shows (a date stored as ISO text in a cell of type "d" is read as its year, e.g. 2024-03-15 as 1905-07-16)`,
      'write the date as text, YYYY-MM-DD, or save the workbook from Excel so that its dates are date cells',
    );
  return value(day);
}

// ---- numbers

/** A plain decimal: digits with an optional point and exponent; no separators, signs of currency or junk. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const US_GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const EU_GROUPED = /^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$/;
const EU_DECIMAL = /^[+-]?\d+,\d+$/;

function readNumberText(text: string, format: Extract<FieldFormat, { kind: 'number' }>, dialect: Dialect): CellOutcome {
  let digits = text;
  let dollar = false;
  const currency = /^([+-]?)\$\s?(.*)$/.exec(digits) ?? /^\$\s?([+-])(.*)$/.exec(digits);
  if (currency) {
    dollar = true;
    digits = `${currency[1] ?? ''}${currency[2] ?? ''}`;
  }
  if (dollar && !format.money)
    return error(
      'NOT_A_NUMBER',
      `${quoteCell(text)} is an amount of money, not ${describeFormat(format)}`,
      'write the number alone',
    );
  const noted = (n: number, code: WarningCode): CellOutcome => value(n, note(code, text, n));
  const grouping: WarningCode = format.money ? 'MONEY_FORMAT' : 'THOUSANDS_SEPARATOR';
  if (dialect.decimalComma) {
    if (EU_DECIMAL.test(digits)) {
      if (/,\d{3}$/.test(digits))
        return error(
          'AMBIGUOUS_NUMBER',
          `${quoteCell(text)} is ambiguous in a ';'-separated file: a decimal comma or a thousands separator?`,
          `write ${digits.replace(',', '')} or ${digits.replace(',', '.')} without a separator`,
        );
      return noted(Number(digits.replace(',', '.')), 'DECIMAL_COMMA');
    }
    if (EU_GROUPED.test(digits) && (digits.includes(',') || (digits.match(/\./g)?.length ?? 0) > 1))
      return noted(Number(digits.replaceAll('.', '').replace(',', '.')), 'DECIMAL_COMMA');
    if (EU_GROUPED.test(digits))
      return error(
        'AMBIGUOUS_NUMBER',
        `${quoteCell(text)} is ambiguous in a ';'-separated file: a decimal point or a thousands separator?`,
        `write ${digits.replace('.', '')} or ${digits.replace('.', ',')}`,
      );
  }
  if (DECIMAL.test(digits)) return dollar ? noted(Number(digits), 'MONEY_FORMAT') : value(Number(digits));
  if (US_GROUPED.test(digits)) return noted(Number(digits.replaceAll(',', '')), dollar ? 'MONEY_FORMAT' : grouping);
  const plain = format.money ? 'write 1234567.00 (a $ and thousands separators are read too)' : 'write it like 1234.5';
  return error('NOT_A_NUMBER', `must be a number, not ${quoteCell(text)}`, plain);
}

// ---- dates

const MDY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const MIDNIGHT = /^(\d{4}-\d{2}-\d{2})[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MON_YEAR = /^(\d{1,2})[- ]([A-Za-z]{3})[A-Za-z]*[- ](\d{2}|\d{4})$/;
const TWO_DIGIT_YEAR = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$/;
/** Excel's day numbers of 1927-2173 have five digits; other numbers are not taken for dates. */
const EXCEL_SERIAL = /^\d{5}(\.\d+)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const YEAR_ONLY = /^(?:1[6-9]|20)\d{2}$/;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

const pad2 = (n: number) => String(n).padStart(2, '0');
const isoOf = (year: number, month: number, day: number) => `${year}-${pad2(month)}-${pad2(day)}`;

function excelSerialError(text: string): CellOutcome {
  const serial = Number(text);
  const day = new Date(EXCEL_EPOCH_MS + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
  return error(
    'EXCEL_DATE_SERIAL',
    `${quoteCell(text)} looks like an Excel date serial (${Math.floor(serial)} = ${day})`,
    `format the column as YYYY-MM-DD (here ${day})`,
  );
}

function readDateText(text: string, dialect: Dialect): CellOutcome {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return value(text); // the schema checks it is a calendar date
  const midnight = MIDNIGHT.exec(text);
  if (midnight) return value(midnight[1] as string, note('DATE_MIDNIGHT', text, midnight[1] as string));
  const dateTime = DATE_TIME.exec(text);
  if (dateTime)
    return error(
      'DATE_WITH_TIME',
      `${quoteCell(text)} is a date and time, not a date (a time of day other than midnight)`,
      `write the date alone, e.g. ${dateTime[1] as string}`,
    );
  const mdy = MDY.exec(text);
  if (mdy) {
    const [first, second, year] = [Number(mdy[1]), Number(mdy[2]), Number(mdy[3])];
    // In a ';'-separated (European-locale) file, 03/04/2024 may be 4 March or 3 April.
    if (dialect.decimalComma && first <= 12 && second <= 12 && first !== second)
      return error(
        'AMBIGUOUS_DATE',
        `${quoteCell(text)} is ambiguous in a ';'-separated (European) file: ${isoOf(year, first, second)} (M/D) or ${isoOf(year, second, first)} (D/M)?`,
        'write YYYY-MM-DD',
      );
    const iso = isoOf(year, first, second);
    if (first > 12 && second <= 12)
      return error(
        'INVALID_DATE',
        `${quoteCell(text)} looks like D/M/YYYY; dates are read as YYYY-MM-DD or M/D/YYYY`,
        `write ${isoOf(year, second, first)}`,
      );
    if (!isCalendarDate(iso)) return error('INVALID_DATE', `${quoteCell(text)} is not a calendar date (M/D/YYYY)`);
    return value(iso, note('DATE_MDY', text, iso));
  }
  if (EXCEL_SERIAL.test(text)) return excelSerialError(text);
  const compact = COMPACT_DATE.exec(text);
  if (compact && isCalendarDate(`${compact[1]}-${compact[2]}-${compact[3]}`))
    return error(
      'INVALID_DATE',
      `${quoteCell(text)} is not written YYYY-MM-DD`,
      `write ${compact[1]}-${compact[2]}-${compact[3]}`,
    );
  if (YEAR_ONLY.test(text))
    return error('INVALID_DATE', `${quoteCell(text)} is a year, not a date`, 'write YYYY-MM-DD');
  const dmy = DAY_MON_YEAR.exec(text);
  const month = dmy ? MONTHS.indexOf((dmy[2] as string).toLowerCase()) + 1 : 0;
  if (dmy && month > 0) {
    const [day, year] = [Number(dmy[1]), dmy[3] as string];
    if (year.length === 2)
      return error(
        'TWO_DIGIT_YEAR',
        `${quoteCell(text)} has a two-digit year: 19${year} or 20${year}?`,
        `write YYYY-MM-DD (e.g. ${isoOf(Number(`19${year}`), month, day)} or ${isoOf(Number(`20${year}`), month, day)})`,
      );
    return error(
      'INVALID_DATE',
      `${quoteCell(text)} is not written YYYY-MM-DD`,
      `write ${isoOf(Number(year), month, day)}`,
    );
  }
  if (TWO_DIGIT_YEAR.test(text))
    return error('TWO_DIGIT_YEAR', `${quoteCell(text)} has a two-digit year`, 'write YYYY-MM-DD with the full year');
  return error(
    'INVALID_DATE',
    `${quoteCell(text)} is not a date`,
    'write YYYY-MM-DD (e.g. 2024-03-15); M/D/YYYY is read too',
  );
}

// ---- ZIPs, states, counties, property types

const ZIP_FORMAT_FIX = 'write a 5-digit ZIP or ZIP+4 like 02134 or 02134-1234';

/** A ZIP (3-4 digits) or ZIP+4 (7-8 digits) with the leading zeros a spreadsheet dropped put back. */
function paddedZip(digits: string): string {
  if (digits.length <= 5) return digits.padStart(5, '0');
  const nine = digits.padStart(9, '0');
  return `${nine.slice(0, 5)}-${nine.slice(5)}`;
}

/**
 * 3-4 (or 7-8) digits: a ZIP whose leading zeros were lost, if the padded ZIP is one of the row's state
 * (`2134` in MA is 02134). A padded ZIP of another state (`7870` in TX would be 07870, in NJ), or of no
 * state (`123`: 00123), is not suggested. `shown` is how the value is quoted (`'2134'` or `the number 2134`).
 */
function lostZeros(digits: string, shown: string, dialect: Dialect, context: RowContext): CellOutcome {
  const padded = paddedZip(digits);
  const state = context.state === undefined ? undefined : stateCode(context.state);
  const zipState = stateOfZeroZip(padded);
  const one = digits.length === 4 || digits.length === 8;
  if (zipState === undefined)
    return error(
      'INVALID_ZIP',
      `${shown} is not a ZIP: padded with ${one ? 'a zero' : 'zeros'} it would be ${padded}, which no state has`,
      `write the property's 5-digit ZIP${state === undefined ? '' : ` in ${state}`}`,
    );
  if (state !== undefined && zipState !== state)
    return error(
      'ZIP_NOT_IN_STATE',
      `${shown} is not a ZIP of ${state}: padded with ${one ? 'a zero' : 'zeros'} it would be ${padded}, a ${zipState} ZIP`,
      `write the property's 5-digit ZIP in ${state}`,
    );
  return dialect.spreadsheet
    ? error(
        'LEADING_ZERO_LOST',
        `${shown} looks like the ZIP ${padded} with its leading ${one ? 'zero' : 'zeros'} lost (spreadsheets drop them)`,
        `write ${padded}, and store the column as text`,
      )
    : error(
        'LEADING_ZERO_LOST',
        `${shown} looks like the ZIP ${padded} with its leading ${one ? 'zero' : 'zeros'} lost`,
        `write ${padded}`,
      );
}

function readZipText(text: string, dialect: Dialect, context: RowContext): CellOutcome {
  if (/^\d{5}(-\d{4})?$/.test(text)) return value(text);
  const plus4 = /^(\d{5})(?:\s+|)(\d{4})$/.exec(text);
  if (plus4) {
    const zip = `${plus4[1] as string}-${plus4[2] as string}`;
    return value(zip, note('ZIP4_DASH', text, zip));
  }
  if (/^\d{3,4}$/.test(text) || /^\d{7,8}$/.test(text)) return lostZeros(text, quoteCell(text), dialect, context);
  return error('INVALID_ZIP', `${quoteCell(text)} is not a ZIP`, ZIP_FORMAT_FIX);
}

function readZipNumber(n: number, dialect: Dialect, context: RowContext): CellOutcome {
  if (!Number.isInteger(n) || n < 0) return error('INVALID_ZIP', `is the number ${n}, not a ZIP`, ZIP_FORMAT_FIX);
  const digits = String(n);
  if (digits.length === 5) return value(digits, note('ZIP_FROM_NUMBER', digits, digits));
  if (digits.length === 9) {
    const zip = `${digits.slice(0, 5)}-${digits.slice(5)}`;
    return value(zip, note('ZIP_FROM_NUMBER', digits, zip));
  }
  if (digits.length >= 3 && digits.length !== 6) {
    const outcome = lostZeros(digits, `the number ${n}`, dialect, context);
    if (outcome.kind !== 'error' || outcome.error.code !== 'LEADING_ZERO_LOST') return outcome;
    // A ZIP sent as a number: the fix is to send text.
    return error(
      'NUMBER_FOR_TEXT',
      `is the number ${n}: a ZIP given as a number loses its leading zeros`,
      dialect.spreadsheet
        ? `store the column as text and write ${paddedZip(digits)}`
        : `write it as a string like "${paddedZip(digits)}"`,
    );
  }
  return error('INVALID_ZIP', `is the number ${n}, not a ZIP`, ZIP_FORMAT_FIX);
}

function readStateText(text: string): CellOutcome {
  const code = stateCode(text);
  if (code === undefined)
    return error(
      'INVALID_STATE',
      `${quoteCell(text)} is not a US state`,
      "write the state's USPS code (TX) or its name (Texas); the 50 states, DC and the territories are read",
    );
  return code === text ? value(text) : value(code, note('STATE_CODE', text, code));
}

/**
 * A county name, spaces collapsed (its suffix and spelling are settled with the row's state, in the
 * collector). Five digits are a county FIPS code, moved to countyFips with the row's state checked
 * (`rowFindings`); other digits are no county.
 */
function readCountyText(text: string): CellOutcome {
  const collapsed = text.replace(/\s+/g, ' ');
  if (/^\d{4}$/.test(collapsed))
    return error(
      'LEADING_ZERO_LOST',
      `${quoteCell(text)} looks like a county FIPS code that lost its leading zero`,
      `write ${collapsed.padStart(5, '0')}, or the county's name`,
    );
  if (/^\d+$/.test(collapsed) && collapsed.length !== 5)
    return error(
      'INVALID_COUNTY',
      `${quoteCell(text)} is neither a county name nor a 5-digit county FIPS code`,
      "write the county's name (Harris) or its FIPS code (48201)",
    );
  return value(collapsed);
}

function readPropertyTypeText(text: string, context: RowContext): CellOutcome {
  if ((PROPERTY_TYPES as readonly string[]).includes(text)) return value(text);
  const key = propertyTypeKey(text);
  const type: PropertyType | undefined =
    PROPERTY_TYPES.find((t) => propertyTypeKey(t) === key) ?? PROPERTY_TYPE_WORDS[key];
  if (type !== undefined) return value(type, note('PROPERTY_TYPE_MAPPED', text, type));
  if (ONE_TO_FOUR_FAMILY_WORDS.has(key)) {
    const { units } = context;
    if (units === 1) return value('SFR', note('PROPERTY_TYPE_FROM_UNITS', text, 'SFR'));
    if (units !== undefined && units >= 2 && units <= 4)
      return value('MULTI_2_4', note('PROPERTY_TYPE_FROM_UNITS', text, 'MULTI_2_4'));
    return error(
      'AMBIGUOUS_PROPERTY_TYPE',
      `${quoteCell(text)} covers one-unit homes and 2-4 unit residences`,
      'write SFR or MULTI_2_4, or give units (1, or 2 to 4)',
    );
  }
  return error(
    'INVALID_PROPERTY_TYPE',
    `${quoteCell(text)} is not a property type`,
    `write one of ${PROPERTY_TYPES.join(', ')} (agency codes SF, CO, PU, MH, CP and words like "Single Family", "Condominium", "2-4 Unit", "Manufactured" are read too)`,
  );
}
