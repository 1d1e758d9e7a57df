// One cell at a time: each kind of value lenders write, read where certain, refused with the fix where not.
import { describe, expect, it } from 'vitest';
import { readCell, type Cell, type CellOutcome, type FieldFormat } from '../../../src/intake/cells.ts';

const US = { decimalComma: false, spreadsheet: true };
const EU = { decimalComma: true, spreadsheet: true };
const money: FieldFormat = { kind: 'number', integer: false, money: true };
const number: FieldFormat = { kind: 'number', integer: false, money: false };

/** `value` (with the warning code, if any), `empty`, or the error code. */
function outcome(result: CellOutcome): string | number {
  if (result.kind === 'empty') return result.note ? `empty (${result.note.code})` : 'empty';
  if (result.kind === 'error') return `error ${result.error.code}`;
  return result.note ? `${result.value} (${result.note.code})` : result.value;
}
const read = (cell: Cell, format: FieldFormat, dialect = US, units?: number) =>
  outcome(readCell(cell, format, dialect, units === undefined ? {} : { units }));

describe('empty cells and placeholders', () => {
  it.each(['', '   ', null, undefined])('%j is empty', (cell) => {
    expect(read(cell, { kind: 'text' })).toBe('empty');
  });
  it.each(['N/A', 'n/a', 'NA', 'NULL', 'null', 'None', 'NaN', '-', '--', '#N/A', ' #n/a '])(
    '%j is empty in any column, counted',
    (cell) => {
      for (const format of [{ kind: 'text' }, { kind: 'date' }, money, { kind: 'zip' }] as FieldFormat[])
        expect(read(cell, format)).toBe('empty (NULL_TOKEN)');
    },
  );
});

describe('numbers and amounts', () => {
  it.each([
    ['450000', money, US, 450000],
    ['$450,000', money, US, '450000 (MONEY_FORMAT)'],
    ['-$5', money, US, '-5 (MONEY_FORMAT)'],
    ['$-5', money, US, '-5 (MONEY_FORMAT)'],
    ['1,234,567.89', money, US, '1234567.89 (MONEY_FORMAT)'],
    ['1,850', number, US, '1850 (THOUSANDS_SEPARATOR)'],
    ['450000,00', money, EU, '450000 (DECIMAL_COMMA)'],
    ['1.234.567,89', money, EU, '1234567.89 (DECIMAL_COMMA)'],
    ['1.234.567', money, EU, '1234567 (DECIMAL_COMMA)'],
    ['30,2672', number, EU, '30.2672 (DECIMAL_COMMA)'],
    ['30.2672', number, EU, 30.2672],
    ['1,5', number, US, 'error NOT_A_NUMBER'],
    ['1,234', number, EU, 'error AMBIGUOUS_NUMBER'],
    ['1.234', number, EU, 'error AMBIGUOUS_NUMBER'],
    ['$12', number, US, 'error NOT_A_NUMBER'],
    ['12%', number, US, 'error NOT_A_NUMBER'],
    ['1,23,456', money, US, 'error NOT_A_NUMBER'],
  ] as const)('%j as %o in %o reads %j', (cell, format, dialect, expected) => {
    expect(read(cell, format, dialect)).toBe(expected);
  });

  it('takes typed numbers as they are, and refuses booleans and non-finite numbers', () => {
    expect(read(1234.5, money)).toBe(1234.5);
    expect(read(true, money)).toBe('error WRONG_TYPE');
    expect(read(Number.NaN, money)).toBe('error NOT_A_NUMBER');
  });
});

describe('dates', () => {
  it.each([
    ['2024-03-15', '2024-03-15'],
    ['3/15/2024', '2024-03-15 (DATE_MDY)'],
    ['11/2/2023', '2023-11-02 (DATE_MDY)'],
    ['03/05/2024', '2024-03-05 (DATE_MDY)'],
    ['2024-03-15T00:00:00.000Z', '2024-03-15 (DATE_MIDNIGHT)'],
    ['2024-03-15T00:00:00Z', '2024-03-15 (DATE_MIDNIGHT)'],
    ['2024-03-15 00:00', '2024-03-15 (DATE_MIDNIGHT)'],
    ['2024-03-15T00:00:00+00:00', '2024-03-15 (DATE_MIDNIGHT)'],
    ['2024-03-15T05:00:00.000Z', 'error DATE_WITH_TIME'],
    ['2/30/2024', 'error INVALID_DATE'],
    ['15/3/2024', 'error INVALID_DATE'],
    ['45366', 'error EXCEL_DATE_SERIAL'],
    ['45366.5', 'error EXCEL_DATE_SERIAL'],
    ['28-Feb-97', 'error TWO_DIGIT_YEAR'],
    ['3/15/24', 'error TWO_DIGIT_YEAR'],
    ['15.03.24', 'error TWO_DIGIT_YEAR'],
    ['28-Feb-1997', 'error INVALID_DATE'],
    ['March 15, 2024', 'error INVALID_DATE'],
    ['20240315', 'error INVALID_DATE'],
    ['2024', 'error INVALID_DATE'],
    ['123', 'error INVALID_DATE'],
  ])('%j reads %j', (cell, expected) => {
    expect(read(cell, { kind: 'date' })).toBe(expected);
  });

  it('says which date an Excel serial is, and names the format to write', () => {
    const result = readCell('45366', { kind: 'date' }, US);
    expect(result.kind === 'error' && result.error.message).toBe(
      "'45366' looks like an Excel date serial (45366 = 2024-03-15): format the column as YYYY-MM-DD (here 2024-03-15)",
    );
    const dmy = readCell('28-Feb-1997', { kind: 'date' }, US);
    expect(dmy.kind === 'error' && dmy.error.fix).toBe('write 1997-02-28');
    const compact = readCell('20240315', { kind: 'date' }, US);
    expect(compact.kind === 'error' && compact.error.fix).toBe('write 2024-03-15');
  });

  it('reads a spreadsheet date cell at midnight UTC, and refuses one with a time of day', () => {
    expect(read(new Date('2024-03-15T00:00:00Z'), { kind: 'date' })).toBe('2024-03-15');
    expect(read(new Date('2024-03-15T13:30:00Z'), { kind: 'date' })).toBe('error DATE_WITH_TIME');
    expect(read(45366, { kind: 'date' })).toBe('error EXCEL_DATE_SERIAL');
  });

  it('refuses a spreadsheet date cell before 1927-05-18 (a day number under five digits): likely not a date', () => {
    // An ISO date text cell (t="d") read as its year: 2024 as a day number is 1905-07-16.
    const day2024 = new Date(Date.UTC(1899, 11, 30) + 2024 * 86_400_000);
    expect(day2024.toISOString().slice(0, 10)).toBe('1905-07-16');
    const refused = readCell(day2024, { kind: 'date' }, US);
    expect(refused.kind === 'error' && refused.error.code).toBe('IMPLAUSIBLE_SHEET_DATE');
    expect(refused.kind === 'error' && refused.error.fix).toMatch(/YYYY-MM-DD/);
    expect(read(new Date('1927-05-17T00:00:00Z'), { kind: 'date' })).toBe('error IMPLAUSIBLE_SHEET_DATE');
    expect(read(new Date('1927-05-18T00:00:00Z'), { kind: 'date' })).toBe('1927-05-18');
  });
});

describe('ZIPs', () => {
  it.each([
    ['02134', '02134'],
    ['02134-1234', '02134-1234'],
    ['021341234', '02134-1234 (ZIP4_DASH)'],
    ['02134 1234', '02134-1234 (ZIP4_DASH)'],
    ['2134', 'error LEADING_ZERO_LOST'],
    ['501', 'error LEADING_ZERO_LOST'],
    ['21341234', 'error LEADING_ZERO_LOST'],
    ['1234567', 'error INVALID_ZIP'], // 00123-4567: no state has ZIPs 001xx
    ['021', 'error INVALID_ZIP'],
    ['ABCDE', 'error INVALID_ZIP'],
    ['0213-41234', 'error INVALID_ZIP'],
    [78701, '78701 (ZIP_FROM_NUMBER)'],
    [787011234, '78701-1234 (ZIP_FROM_NUMBER)'],
    [2134, 'error NUMBER_FOR_TEXT'],
    [21341234, 'error NUMBER_FOR_TEXT'],
    [2134.5, 'error INVALID_ZIP'],
  ])('%j reads %j', (cell, expected) => {
    expect(read(cell, { kind: 'zip' })).toBe(expected);
  });

  it("suggests the padded form only when it is a ZIP of the row's state, and names the spreadsheet only for files", () => {
    const fix = (cell: Cell, state: string, dialect = US) => {
      const result = readCell(cell, { kind: 'zip' }, dialect, { state });
      return result.kind === 'error' ? [result.error.code, result.error.message] : ['value', String(result.kind)];
    };
    expect(fix('2134', 'MA')).toStrictEqual([
      'LEADING_ZERO_LOST',
      "'2134' looks like the ZIP 02134 with its leading zero lost (spreadsheets drop them): write 02134, and store the column as text",
    ]);
    expect(fix('7870', 'TX')).toStrictEqual([
      'ZIP_NOT_IN_STATE',
      "'7870' is not a ZIP of TX: padded with a zero it would be 07870, a NJ ZIP: write the property's 5-digit ZIP in TX",
    ]);
    expect(fix('7870', 'tx')[0]).toBe('ZIP_NOT_IN_STATE'); // the state as written, read as its code
    expect(fix('501', 'NY')[0]).toBe('LEADING_ZERO_LOST'); // 00501, Holtsville (IRS)
    expect(fix(7870, 'TX')[0]).toBe('ZIP_NOT_IN_STATE');
    const json = { decimalComma: false, spreadsheet: false };
    expect(fix('123', 'TX', json)).toStrictEqual([
      'INVALID_ZIP',
      "'123' is not a ZIP: padded with zeros it would be 00123, which no state has: write the property's 5-digit ZIP in TX",
    ]);
    expect(fix('2134', 'MA', json)).toStrictEqual([
      'LEADING_ZERO_LOST',
      "'2134' looks like the ZIP 02134 with its leading zero lost: write 02134",
    ]);
  });

  it('suggests the padded form, never pads it', () => {
    const result = readCell('2134', { kind: 'zip' }, US);
    expect(result.kind === 'error' && result.error.fix).toBe('write 02134, and store the column as text');
    const plus4 = readCell('21341234', { kind: 'zip' }, US);
    expect(plus4.kind === 'error' && plus4.error.fix).toBe('write 02134-1234, and store the column as text');
  });
});

describe('states, counties and county FIPS codes', () => {
  it.each([
    ['TX', 'TX'],
    ['tx', 'TX (STATE_CODE)'],
    ['Texas', 'TX (STATE_CODE)'],
    ['new york', 'NY (STATE_CODE)'],
    ['District of Columbia', 'DC (STATE_CODE)'],
    ['Washington, D.C.', 'DC (STATE_CODE)'],
    ['Puerto Rico', 'PR (STATE_CODE)'],
    ['Tex.', 'error INVALID_STATE'], // no certain reading
  ])('state %j reads %j', (cell, expected) => {
    expect(read(cell, { kind: 'state' })).toBe(expected);
  });

  it.each([
    ['Harris', 'Harris'],
    ['Harris County', 'Harris County'], // the suffix is settled with the row's state (counties.ts)
    ['Los  Angeles', 'Los Angeles'],
    ['48201', '48201'], // a FIPS code, moved to countyFips with the row's state
    ['6037', 'error LEADING_ZERO_LOST'],
    ['482', 'error INVALID_COUNTY'],
  ])('county %j reads %j', (cell, expected) => {
    expect(read(cell, { kind: 'county' })).toBe(expected);
  });

  it.each([
    ['48201', '48201'],
    ['6037', 'error LEADING_ZERO_LOST'],
    ['482', 'error INVALID_COUNTY_FIPS'],
    [48201, 'error NUMBER_FOR_TEXT'],
  ])('county FIPS %j reads %j', (cell, expected) => {
    expect(read(cell, { kind: 'countyFips' })).toBe(expected);
  });
});

describe('property types', () => {
  it.each([
    ['SFR', 'SFR'],
    ['sfr', 'SFR (PROPERTY_TYPE_MAPPED)'],
    ['SF', 'SFR (PROPERTY_TYPE_MAPPED)'],
    ['Single Family', 'SFR (PROPERTY_TYPE_MAPPED)'],
    ['Single-Family Residence', 'SFR (PROPERTY_TYPE_MAPPED)'],
    ['CO', 'CONDO (PROPERTY_TYPE_MAPPED)'],
    ['Condominium', 'CONDO (PROPERTY_TYPE_MAPPED)'],
    ['PU', 'PUD (PROPERTY_TYPE_MAPPED)'],
    ['Planned Unit Development', 'PUD (PROPERTY_TYPE_MAPPED)'],
    ['MH', 'MANUFACTURED (PROPERTY_TYPE_MAPPED)'],
    ['Manufactured Home', 'MANUFACTURED (PROPERTY_TYPE_MAPPED)'],
    ['Mobile Home', 'MANUFACTURED (PROPERTY_TYPE_MAPPED)'],
    ['CP', 'COOP (PROPERTY_TYPE_MAPPED)'],
    ['Co-op', 'COOP (PROPERTY_TYPE_MAPPED)'],
    ['Cooperative', 'COOP (PROPERTY_TYPE_MAPPED)'],
    ['2-4 Unit', 'MULTI_2_4 (PROPERTY_TYPE_MAPPED)'],
    ['2-4 Family', 'MULTI_2_4 (PROPERTY_TYPE_MAPPED)'],
    ['Duplex', 'MULTI_2_4 (PROPERTY_TYPE_MAPPED)'],
    ['multi_2_4', 'MULTI_2_4 (PROPERTY_TYPE_MAPPED)'],
    ['5+ Units', 'MULTIFAMILY (PROPERTY_TYPE_MAPPED)'],
    ['Multi-Family', 'MULTIFAMILY (PROPERTY_TYPE_MAPPED)'],
    ['Townhome', 'TOWNHOUSE (PROPERTY_TYPE_MAPPED)'],
    ['Vacant Land', 'LAND (PROPERTY_TYPE_MAPPED)'],
    ['Castle', 'error INVALID_PROPERTY_TYPE'],
  ])('%j reads %j', (cell, expected) => {
    expect(read(cell, { kind: 'propertyType' })).toBe(expected);
  });

  it("resolves HMDA's 1-4 family by the number of units, or asks for it", () => {
    expect(read('1-4 Family', { kind: 'propertyType' }, US, 1)).toBe('SFR (PROPERTY_TYPE_FROM_UNITS)');
    expect(read('1-4 Family', { kind: 'propertyType' }, US, 3)).toBe('MULTI_2_4 (PROPERTY_TYPE_FROM_UNITS)');
    expect(read('One to four family', { kind: 'propertyType' }, US)).toBe('error AMBIGUOUS_PROPERTY_TYPE');
    expect(read('1-4 units', { kind: 'propertyType' }, US, 8)).toBe('error AMBIGUOUS_PROPERTY_TYPE');
  });
});

describe('text and enums', () => {
  it('reads enums ignoring case, and leaves unknown words for the schema to list the values', () => {
    const locale: FieldFormat = { kind: 'enum', values: ['urban', 'suburban', 'rural'] };
    expect(read('Urban', locale)).toBe('urban (ENUM_CASE)');
    expect(read('rural', locale)).toBe('rural');
    expect(read('downtown', locale)).toBe('downtown');
  });

  it('reads whole numbers given for text as their digits, and refuses numbers that lost digits', () => {
    expect(read(101, { kind: 'text' })).toBe('101 (VALUE_AS_TEXT)');
    expect(read(2 ** 60, { kind: 'text' })).toBe('error NUMBER_FOR_TEXT');
    expect(read(1.5, { kind: 'text' })).toBe('error NUMBER_FOR_TEXT');
  });
});
