import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  csvColumnsFor,
  csvImportOptionsSchema,
  describeCsvError,
  describeCsvErrors,
  parsePropertiesCsv,
  propertiesToCsv,
  type CsvImportResult,
  type CsvRowError,
} from '../../../src/domain/csv.ts';
import { analyzeRequestSchema, propertySchema, type Property } from '../../../src/domain/schemas.ts';
import { MAX_REPORTED_ERRORS } from '../../../src/domain/validation.ts';

const asOf = new Date('2026-11-24T00:00:00Z');
const HEADER = 'propertyId,address,state,zip,propertyType';
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
const parseCsv = (text: string, options: { maxRows?: number; maxReportedErrors?: number } = {}) =>
  parsePropertiesCsv(text, { asOf, ...options });

function propertiesOf(result: CsvImportResult): Property[] {
  if (!result.ok) throw new Error(`expected no errors, got:\n${describeCsvErrors(result)}`);
  return result.properties;
}
function failureOf(result: CsvImportResult): Extract<CsvImportResult, { ok: false }> {
  if (result.ok) throw new Error('expected errors, got none');
  return result;
}
const errorsOf = (result: CsvImportResult): CsvRowError[] => failureOf(result).errors;

describe('parsePropertiesCsv: values', () => {
  it('reads the required columns and leaves empty cells out', () => {
    const properties = propertiesOf(
      parseCsv(
        csv(`${HEADER},city,units`, 'P1,1 Main St,TX,75001,SFR,,', 'P2,2 Elm St,CA,94105-1234,CONDO,San Francisco,1'),
      ),
    );
    expect(properties).toStrictEqual([
      { propertyId: 'P1', address: '1 Main St', state: 'TX', zip: '75001', propertyType: 'SFR' },
      {
        propertyId: 'P2',
        address: '2 Elm St',
        state: 'CA',
        zip: '94105-1234',
        propertyType: 'CONDO',
        city: 'San Francisco',
        units: 1,
      },
    ]);
  });

  it('builds nested objects from dotted headers and lists from indexed ones', () => {
    const header = [
      HEADER,
      'loan.balance,loan.secondLienBalance',
      'appraisals[0].appraisalId,appraisals[0].appraiserId,appraisals[0].appraisedValue,appraisals[0].effectiveDate',
      'appraisals[0].comparables[0].salePrice,appraisals[0].comparables[0].saleDate,appraisals[0].comparables[0].distanceMiles',
      'appraisals[0].comparables[1].salePrice,appraisals[0].comparables[1].saleDate,appraisals[0].comparables[1].distanceMiles',
      'sales[0].date,sales[0].price,sales[1].date,sales[1].price',
    ].join(',');
    const row =
      'P1,1 Main St,TX,75001,SFR,250000.5,1e4,A1,APR-7,400000,2026-01-15,390000,2025-11-01,0.4,410000,2025-12-01,.75,2019-05-01,300000,2023-06-30,380000';
    expect(propertiesOf(parseCsv(csv(header, row)))).toStrictEqual([
      {
        propertyId: 'P1',
        address: '1 Main St',
        state: 'TX',
        zip: '75001',
        propertyType: 'SFR',
        loan: { balance: 250_000.5, secondLienBalance: 10_000 },
        appraisals: [
          {
            appraisalId: 'A1',
            appraiserId: 'APR-7',
            appraisedValue: 400_000,
            effectiveDate: '2026-01-15',
            comparables: [
              { salePrice: 390_000, saleDate: '2025-11-01', distanceMiles: 0.4 },
              { salePrice: 410_000, saleDate: '2025-12-01', distanceMiles: 0.75 },
            ],
          },
        ],
        sales: [
          { date: '2019-05-01', price: 300_000 },
          { date: '2023-06-30', price: 380_000 },
        ],
      },
    ]);
  });

  it('leaves a list or object out of a row whose cells for it are all empty', () => {
    const header = `${HEADER},loan.balance,sales[0].date,sales[0].price`;
    expect(propertiesOf(parseCsv(csv(header, 'P1,a,TX,75001,SFR,,,')))).toStrictEqual([
      { propertyId: 'P1', address: 'a', state: 'TX', zip: '75001', propertyType: 'SFR' },
    ]);
  });

  it('reads quoted commas, doubled quotes and line breaks in addresses; a line break becomes a space', () => {
    const text = csv(
      HEADER,
      'P1,"12 Oak St, Apt ""B""",TX,75001,SFR',
      'P2,"12 Oak St\nUnit 4",TX,75001,SFR',
      'P3,"Suite 9,\r\n  Rear",TX,75001,SFR',
    );
    expect(propertiesOf(parseCsv(text)).map((p) => p.address)).toStrictEqual([
      '12 Oak St, Apt "B"',
      '12 Oak St Unit 4',
      'Suite 9, Rear',
    ]);
  });

  it('skips a byte-order mark, so the first header is still propertyId', () => {
    expect(propertiesOf(parseCsv(`\uFEFF${csv(HEADER, 'P1,a,TX,75001,SFR')}`))).toHaveLength(1);
  });

  it('reads CRLF line endings without keeping the CR in the last cell', () => {
    const properties = propertiesOf(parseCsv(`${HEADER}\r\nP1,a,TX,75001,SFR\r\nP2,b,TX,75002,LAND\r\n`));
    expect(properties.map((p) => p.propertyType)).toStrictEqual(['SFR', 'LAND']);
  });

  it('trims cells and headers, and skips blank and all-empty rows', () => {
    const text = csv(
      ' propertyId , address,state,zip,propertyType,livingAreaSqft',
      '',
      ' P1 , a ,TX, 75001 ,SFR, 1200 ',
      ',,,,,',
      '  ,,, ,,',
    );
    expect(propertiesOf(parseCsv(text))).toStrictEqual([
      { propertyId: 'P1', address: 'a', state: 'TX', zip: '75001', propertyType: 'SFR', livingAreaSqft: 1200 },
    ]);
  });

  it.each(['1000', '1000.', '1000.50', '+1000', '.5', '0', '1e3', '1.5E+3'])('accepts the number %s', (cell) => {
    const [property] = propertiesOf(parseCsv(csv(`${HEADER},loan.balance`, `P1,a,TX,75001,SFR,${cell}`)));
    expect(property?.loan?.balance).toBe(Number(cell));
  });
});

describe('parsePropertiesCsv: errors by row and column', () => {
  it.each([
    ['"1,000"', "'1,000'"],
    ['12abc', "'12abc'"],
    ['$100', "'$100'"],
    ['0x10', "'0x10'"],
    ['Infinity', "'Infinity'"],
    ['NaN', "'NaN'"],
    ['1 000', "'1 000'"],
    ['--1', "'--1'"],
  ])('a number column rejects %s, once', (cell, shown) => {
    const errors = errorsOf(
      parseCsv(csv(`${HEADER},loan.balance`, 'P1,a,TX,75001,SFR,1', `P2,b,TX,75001,SFR,${cell}`)),
    );
    expect(errors).toStrictEqual([{ row: 3, column: 'loan.balance', message: `must be a number, not ${shown}` }]);
  });

  it('reports a schema rejection at its row and column: negative balance', () => {
    const failure = failureOf(parseCsv(csv(`${HEADER},loan.balance`, 'P1,a,TX,75001,SFR,100', 'P2,b,TX,75001,SFR,-5')));
    expect(failure).toStrictEqual({
      ok: false,
      errors: [{ row: 3, column: 'loan.balance', message: 'must be >= 0' }],
      totalErrors: 1,
    });
    expect(describeCsvErrors(failure)).toBe('row 3, column loan.balance: must be >= 0');
  });

  it('reports a missing required value as "is required" in its column', () => {
    expect(errorsOf(parseCsv(csv(HEADER, 'P1,a,,75001,SFR')))).toStrictEqual([
      { row: 2, column: 'state', message: 'is required' },
    ]);
  });

  it('reports a date in the future, and an integer field given a fraction', () => {
    const errors = errorsOf(
      parseCsv(csv(`${HEADER},yearBuilt,sales[0].date,sales[0].price`, 'P1,a,TX,75001,SFR,1990.5,2026-11-25,100000')),
    );
    expect(errors).toStrictEqual([
      { row: 2, column: 'yearBuilt', message: 'must be an integer' },
      { row: 2, column: 'sales[0].date', message: 'must not be in the future (after 2026-11-24)' },
    ]);
  });

  it('reports a duplicate propertyId at the second row, naming the first', () => {
    const errors = errorsOf(parseCsv(csv(HEADER, 'P1,a,TX,75001,SFR', 'P2,b,TX,75001,SFR', 'P1,c,TX,75001,SFR')));
    expect(errors).toStrictEqual([
      { row: 4, column: 'propertyId', message: "duplicate propertyId 'P1' (first at row 2)" },
    ]);
  });

  it('reports a row with too few or too many cells as a whole-row error', () => {
    const errors = errorsOf(parseCsv(csv(HEADER, 'P1,a,TX,75001', 'P2,b,TX,75001,SFR', 'P3,c,TX,75001,SFR,extra')));
    expect(errors).toStrictEqual([
      { row: 2, message: 'has 4 cells, the header has 5 columns' },
      { row: 4, message: 'has 6 cells, the header has 5 columns' },
    ]);
    expect(describeCsvError(errors[0] as CsvRowError)).toBe('row 2: has 4 cells, the header has 5 columns');
  });

  it('reports unknown headers once, against the header row, whatever the number of rows', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `P${i},a,TX,75001,SFR,1,2`);
    const errors = errorsOf(parseCsv(csv(`${HEADER},colour,loan.rate`, ...rows)));
    expect(errors).toStrictEqual([
      { row: 1, column: 'colour', message: 'unknown column' },
      { row: 1, column: 'loan.rate', message: 'unknown column' },
    ]);
  });

  it.each([
    ['loan', 'unknown column: loan is a group, name one of its fields'],
    ['appraisals[0]', 'unknown column: appraisals[0] is a group, name one of its fields'],
    ['sales', 'unknown column: sales is a list, name a field of an item (sales[0]...)'],
    ['sales.date', 'unknown column'],
    ['sales[01].date', 'unknown column'],
    ['loan[0].balance', 'unknown column'],
    ['zip.code', 'unknown column'],
    ['sales[50].date', 'unknown column: sales has at most 50 items, indexed from 0'],
    [
      'appraisals[0].comparables[50].salePrice',
      'unknown column: appraisals[0].comparables has at most 50 items, indexed from 0',
    ],
  ])('explains the bad header %s', (header, message) => {
    expect(errorsOf(parseCsv(csv(`${HEADER},${header}`, 'P1,a,TX,75001,SFR,1')))).toContainEqual({
      row: 1,
      column: header,
      message,
    });
  });

  it('reports a repeated header', () => {
    expect(errorsOf(parseCsv(csv(`${HEADER},zip`, 'P1,a,TX,75001,SFR,75001')))).toStrictEqual([
      { row: 1, column: 'zip', message: 'duplicate column' },
    ]);
  });

  it('reports required columns missing from the header, including those of a present group or list item', () => {
    const header =
      'propertyId,address,zip,propertyType,loan.secondLienBalance,appraisals[0].appraisalId,appraisals[0].appraisedValue,appraisals[0].effectiveDate';
    expect(errorsOf(parseCsv(csv(header, 'P1,a,75001,SFR,1,A1,100,2020-01-01')))).toStrictEqual([
      { row: 1, column: 'state', message: 'required column is missing' },
      { row: 1, column: 'loan.balance', message: 'required column is missing' },
      { row: 1, column: 'appraisals[0].appraiserId', message: 'required column is missing' },
    ]);
  });

  it('reports a list item left empty before a filled one', () => {
    const header = `${HEADER},sales[0].date,sales[0].price,sales[1].date,sales[1].price`;
    expect(errorsOf(parseCsv(csv(header, 'P1,a,TX,75001,SFR,,,2020-01-01,100000')))).toStrictEqual([
      { row: 2, column: 'sales[0]', message: 'is empty while sales[1] is filled; fill lists from [0] without gaps' },
    ]);
  });

  it('counts rows by file line: across blank lines, CRLF and quoted line breaks, after a BOM', () => {
    const text = `\uFEFF${HEADER},loan.balance\r\nP1,"1 Main St\r\nRear\r\nGarage",TX,75001,SFR,1\r\n\r\n\r\nP2,b,TX,75001,SFR,-1\r\n,,,,,\r\nP3,"x\ny",TX,75001,SFR,-2`;
    expect(errorsOf(parseCsv(text))).toStrictEqual([
      { row: 7, column: 'loan.balance', message: 'must be >= 0' },
      { row: 9, column: 'loan.balance', message: 'must be >= 0' },
    ]);
  });

  it('counts rows by line when non-ASCII text precedes them', () => {
    const text = csv(
      `${HEADER},city`,
      'P1,1 Rue Café,PR,00901,SFR,San Juan – Viejo',
      'P2,b,PR,00901,SFR,Bayamón',
      'P3,c,PR,1,SFR,',
    );
    expect(errorsOf(parseCsv(text))).toStrictEqual([
      { row: 4, column: 'zip', message: 'must be a 5-digit ZIP or ZIP+4' },
    ]);
  });

  it('sorts errors by row, then by column left to right, whole-row errors first', () => {
    const header = `${HEADER},loan.balance,sales[0].date,sales[0].price`;
    const errors = errorsOf(
      parseCsv(csv(header, 'P1,a,XX,75001,SFR,x,2030-01-01,0', 'P1,a,TX,75001,SFR,1,,', 'P2,a,TX,75001')),
    );
    expect(errors.map(describeCsvError)).toStrictEqual([
      'row 2, column state: must be one of AL, AK, AZ, AR, CA, CO, CT, DE, DC, FL, GA, HI, ID, IL, IN, IA, KS, KY, LA, ME, MD, MA, MI, MN, MS, MO, MT, NE, NV, NH, NJ, NM, NY, NC, ND, OH, OK, OR, PA, RI, SC, SD, TN, TX, UT, VT, VA, WA, WV, WI, WY, PR, VI, GU, AS, MP',
      "row 2, column loan.balance: must be a number, not 'x'",
      'row 2, column sales[0].date: must not be in the future (after 2026-11-24)',
      'row 2, column sales[0].price: must be > 0',
      "row 3, column propertyId: duplicate propertyId 'P1' (first at row 2)",
      'row 4: has 4 cells, the header has 8 columns',
    ]);
  });

  it('caps the reported errors and says how many more there are', () => {
    const rows = Array.from({ length: 150 }, (_, i) => `P${i},a,TX,bad,SFR`);
    const result = failureOf(parseCsv(csv(HEADER, ...rows)));
    expect(result.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(result.totalErrors).toBe(150);
    expect(result.errors.at(-1)).toStrictEqual({ row: 101, column: 'zip', message: 'must be a 5-digit ZIP or ZIP+4' });
    expect(describeCsvErrors(result).split('\n').at(-1)).toBe('... and 50 more');

    const capped = parseCsv(csv(HEADER, ...rows), { maxReportedErrors: 3 });
    expect(capped).toMatchObject({ ok: false, totalErrors: 150 });
    expect(errorsOf(capped).map((e) => e.row)).toStrictEqual([2, 3, 4]);
  });

  it('refuses more data rows than maxRows, at the first row too many', () => {
    const text = csv(HEADER, 'P1,a,TX,75001,SFR', ',,,,', 'P2,a,TX,75001,SFR', 'P3,a,TX,75001,SFR');
    expect(errorsOf(parseCsv(text, { maxRows: 2 }))).toStrictEqual([
      { row: 5, message: 'too many rows: at most 2 properties per file' },
    ]);
    expect(propertiesOf(parseCsv(text, { maxRows: 3 }))).toHaveLength(3);
  });

  it('reports an empty file, a header without rows, and broken quoting', () => {
    expect(errorsOf(parseCsv(''))).toStrictEqual([
      { row: 1, message: 'the file is empty: expected a header row of field names' },
    ]);
    expect(errorsOf(parseCsv(csv(HEADER, '', ',,,,')))).toStrictEqual([
      { row: 1, message: 'no data rows: expected one property per row below the header' },
    ]);
    const [quoteError] = errorsOf(parseCsv(csv(HEADER, 'P1,a,TX,75001,SFR', 'P2,"b,TX,75001,SFR')));
    expect(quoteError?.row).toBeGreaterThanOrEqual(3);
    expect(quoteError?.message).toMatch(/quote/i);
  });

  it('has documented option defaults and bounds', () => {
    expect(csvImportOptionsSchema.parse({})).toStrictEqual({ maxRows: 100_000, maxReportedErrors: 100 });
    expect(() => csvImportOptionsSchema.parse({ maxRows: 100_001 })).toThrow();
    expect(() => csvImportOptionsSchema.parse({ maxRows: 0 })).toThrow();
  });
});

describe('propertiesToCsv', () => {
  const property: Property = {
    propertyId: 'P1',
    address: 'Unit 4, "Rear"',
    state: 'TX',
    zip: '75001',
    propertyType: 'SFR',
    loan: { balance: 1234.56 },
    appraisals: [
      { appraisalId: 'A1', appraiserId: 'X', appraisedValue: 100, effectiveDate: '2020-01-01' },
      {
        appraisalId: 'A2',
        appraiserId: 'X',
        appraisedValue: 110,
        effectiveDate: '2021-01-01',
        comparables: [{ salePrice: 1, saleDate: '2020-06-01', distanceMiles: 0.5 }],
      },
    ],
  };

  it('writes every non-list field, then each list up to the longest present, quoting where needed', () => {
    const text = propertiesToCsv([
      property,
      { propertyId: 'P2', address: 'b', state: 'CA', zip: '94105', propertyType: 'LAND' },
    ]);
    const [header, first, second, end] = text.split('\n');
    expect(header).toBe(
      'propertyId,address,city,state,zip,county,latitude,longitude,locale,propertyType,units,livingAreaSqft,yearBuilt,lastAppraisedValue,lastAppraisalDate,' +
        'loan.balance,loan.secondLienBalance,loan.originationDate,loan.originalValue,' +
        'appraisals[0].appraisalId,appraisals[0].appraiserId,appraisals[0].appraisedValue,appraisals[0].effectiveDate,appraisals[0].purpose,' +
        'appraisals[1].appraisalId,appraisals[1].appraiserId,appraisals[1].appraisedValue,appraisals[1].effectiveDate,appraisals[1].purpose,' +
        'appraisals[1].comparables[0].salePrice,appraisals[1].comparables[0].saleDate,appraisals[1].comparables[0].distanceMiles,appraisals[1].comparables[0].livingAreaSqft',
    );
    expect(first).toBe(
      'P1,"Unit 4, ""Rear""",,TX,75001,,,,,SFR,,,,,,1234.56,,,,A1,X,100,2020-01-01,,A2,X,110,2021-01-01,,1,2020-06-01,0.5,',
    );
    expect(second).toBe(`P2,b,,CA,94105,,,,,LAND${','.repeat(23)}`);
    expect(end).toBe('');
  });

  it('sizes columns from any iterable, so a generator can be sized in one pass', () => {
    function* twice() {
      yield property;
      yield property;
    }
    expect(csvColumnsFor(twice()).map((c) => c.header)).toStrictEqual(csvColumnsFor([property]).map((c) => c.header));
    expect(csvColumnsFor([])).toHaveLength(19); // the non-list columns only
  });

  const text = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,."'#/-]{0,30}$/);
  const money = fc.integer({ min: 0, max: 10_000_000_00 }).map((c) => c / 100);
  const date = fc
    .date({ min: new Date('1990-01-01'), max: asOf, noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  // Optional fields are left out, not set to undefined; lists have items (an empty list reads back as none).
  const propertyArb = fc.record(
    {
      address: text,
      city: text,
      state: fc.constantFrom('TX', 'CA', 'PR'),
      zip: fc.constantFrom('75001', '94105-1234', '00901'),
      latitude: fc.double({ min: -90, max: 90, noNaN: true }).map((x) => x + 0), // -0 is written "0", like JSON does
      propertyType: fc.constantFrom('SFR', 'LAND', 'MULTIFAMILY'),
      units: fc.integer({ min: 1, max: 500 }),
      loan: fc.record(
        { balance: money, secondLienBalance: money, originationDate: date },
        { requiredKeys: ['balance'] },
      ),
      appraisals: fc.array(
        fc.record(
          {
            appraisalId: fc.constantFrom('A1', 'A-2'),
            appraiserId: fc.constantFrom('APR-001', 'x.y:z'),
            appraisedValue: money.map((m) => m + 1),
            effectiveDate: date,
            purpose: fc.constantFrom('purchase', 'refinance'),
            comparables: fc.array(
              fc.record({
                salePrice: money.map((m) => m + 1),
                saleDate: date,
                distanceMiles: fc.double({ min: 0, max: 500, noNaN: true }),
              }),
              { minLength: 1, maxLength: 3 },
            ),
          },
          { requiredKeys: ['appraisalId', 'appraiserId', 'appraisedValue', 'effectiveDate'] },
        ),
        { minLength: 1, maxLength: 3 },
      ),
    },
    { requiredKeys: ['address', 'state', 'zip', 'propertyType'] },
  );

  it('round-trips: parsing the CSV gives the properties back', () => {
    fc.assert(
      fc.property(fc.array(propertyArb, { minLength: 1, maxLength: 8 }), (drafts) => {
        // Through the schema first: that is what a property looks like after validation (text trimmed).
        const properties = drafts.map((draft, i) => propertySchema({ asOf }).parse({ ...draft, propertyId: `P${i}` }));
        expect(propertiesOf(parseCsv(propertiesToCsv(properties)))).toStrictEqual(properties);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the committed sample portfolio', () => {
  const sampleCsv = readFileSync(new URL('../../../examples/portfolio-1000.csv', import.meta.url), 'utf8');
  const sampleJson: unknown = JSON.parse(
    readFileSync(new URL('../../../examples/portfolio-1000.json', import.meta.url), 'utf8'),
  );

  it('is a valid analyze request today, with 1,000 properties', () => {
    const request = analyzeRequestSchema({ asOf }).parse(sampleJson);
    expect(request).toMatchObject({ portfolioId: 'sample-1000', analysisType: 'comprehensive' });
    expect(request.properties).toHaveLength(1_000);
  });

  it('CSV parses without errors into the same properties as the JSON', () => {
    const request = analyzeRequestSchema({ asOf }).parse(sampleJson);
    expect(propertiesOf(parseCsv(sampleCsv))).toStrictEqual(request.properties);
  });

  it('CSV is what propertiesToCsv writes for the JSON properties', () => {
    expect(propertiesToCsv(analyzeRequestSchema({ asOf }).parse(sampleJson).properties)).toBe(sampleCsv);
  });
});
