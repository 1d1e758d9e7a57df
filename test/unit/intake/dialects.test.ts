// Property-based: any valid portfolio written in any dialect the intake reads (CSV with each separator, with
// or without a BOM, LF or CRLF, UTF-8, UTF-16 or Windows-1252; an Excel workbook; JSON with or without a BOM)
// reads back as the same portfolio.
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { csvColumnsFor, csvHeaderLine, csvRecordLine, valueAt, type CsvSeparator } from '../../../src/domain/csv.ts';
import {
  APPRAISAL_PURPOSES,
  LOCALES,
  PROPERTY_TYPES,
  propertySchema,
  US_STATES,
  type Property,
} from '../../../src/domain/schemas.ts';
import { stateFips } from '../../../src/intake/us-states.ts';
import { NULL_TOKENS } from '../../../src/intake/cells.ts';
import { asOf, readRequest, xlsxOf } from './tapes.ts';

// Text a tape may hold: letters (accented ones included, all in Windows-1252), digits, spaces, punctuation,
// the separators and quotes; trimmed, never a placeholder like `NA`, never a totals label.
const text = (max: number) =>
  fc
    .stringMatching(new RegExp(`^[A-Za-z0-9éñüÇÅ][A-Za-z0-9 éñüÇÅ.,;|#'"&/-]{0,${max - 2}}[A-Za-z0-9.]$`))
    .filter((s) => !NULL_TOKENS.has(s.toUpperCase()) && !/^(grand\s+)?totals?\b/i.test(s));
const day = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: asOf, noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const cents = (max: number) => fc.integer({ min: 100, max: max * 100 }).map((c) => c / 100);
const COUNTIES = ['Harris', 'Travis', 'Miami-Dade', 'DeKalb', 'Los Angeles', "Prince George's"];

const propertyArb = fc
  .record(
    {
      address: text(60),
      unit: fc.constantFrom('4B', '101', 'PH-2', 'Apt 7'),
      city: text(30),
      state: fc.constantFrom(...US_STATES),
      zip: fc.oneof(fc.stringMatching(/^\d{5}$/), fc.stringMatching(/^\d{5}-\d{4}$/)),
      county: fc.constantFrom(...COUNTIES),
      countyCode: fc.integer({ min: 1, max: 999 }),
      latitude: fc.integer({ min: 1_800_000, max: 7_100_000 }).map((n) => n / 100_000),
      longitude: fc.integer({ min: -17_000_000, max: -6_500_000 }).map((n) => n / 100_000),
      locale: fc.constantFrom(...LOCALES),
      propertyType: fc.constantFrom(...PROPERTY_TYPES),
      units: fc.integer({ min: 1, max: 400 }),
      livingAreaSqft: fc.integer({ min: 300, max: 90_000 }),
      yearBuilt: fc.integer({ min: 1850, max: 2026 }),
      lastAppraisedValue: cents(5_000_000),
      lastAppraisalDate: day,
      loan: fc.record(
        {
          balance: cents(3_000_000),
          secondLienBalance: cents(500_000),
          originationDate: day,
          originalValue: cents(5_000_000),
        },
        { requiredKeys: ['balance'] },
      ),
      appraisals: fc.array(
        fc.record(
          {
            appraisalId: fc.stringMatching(/^A[0-9]{1,4}$/),
            appraiserId: fc.constantFrom('APR-001', 'x.y:z'),
            appraisedValue: cents(5_000_000),
            effectiveDate: day,
            purpose: fc.constantFrom(...APPRAISAL_PURPOSES),
            comparables: fc.array(
              fc.record({
                salePrice: cents(5_000_000),
                saleDate: day,
                distanceMiles: fc.integer({ min: 0, max: 5000 }).map((n) => n / 100),
              }),
              { minLength: 1, maxLength: 2 },
            ),
          },
          { requiredKeys: ['appraisalId', 'appraiserId', 'appraisedValue', 'effectiveDate'] },
        ),
        { minLength: 1, maxLength: 2 },
      ),
      sales: fc.array(fc.record({ date: day, price: cents(5_000_000) }), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: ['address', 'state', 'zip', 'propertyType', 'countyCode'] },
  )
  .map(({ countyCode, ...draft }) => ({
    ...draft,
    // A county FIPS code must lie in the property's state.
    ...(countyCode % 3 === 0 && { countyFips: `${stateFips(draft.state)}${String(countyCode).padStart(3, '0')}` }),
  }));

type Dialect =
  | {
      kind: 'csv';
      separator: CsvSeparator;
      bom: boolean;
      crlf: boolean;
      encoding: 'utf-8' | 'utf-16le' | 'windows-1252';
    }
  | { kind: 'xlsx' }
  | { kind: 'json'; bom: boolean };

const dialectArb: fc.Arbitrary<Dialect> = fc.oneof(
  fc.record({
    kind: fc.constant('csv' as const),
    separator: fc.constantFrom<CsvSeparator>(',', ';', '|', '\t'),
    bom: fc.boolean(),
    crlf: fc.boolean(),
    encoding: fc.constantFrom('utf-8' as const, 'utf-16le' as const, 'windows-1252' as const),
  }),
  fc.constant({ kind: 'xlsx' as const }),
  fc.record({ kind: fc.constant('json' as const), bom: fc.boolean() }),
);

/** A European-locale number: a decimal comma, and never exactly three decimals (that would be ambiguous). */
function decimalComma(n: number): string {
  const [whole, fraction] = JSON.stringify(n).split('.');
  if (fraction === undefined) return whole ?? '';
  return `${whole},${fraction.length === 3 ? `${fraction}0` : fraction}`;
}

const QUERY = '?portfolioId=book&analysisType=risk';

/** The portfolio written in the dialect, with the Content-Type a client would send. */
async function write(
  properties: Property[],
  dialect: Dialect,
): Promise<{ bytes: Uint8Array; type: string; query: string }> {
  if (dialect.kind === 'json') {
    const json = JSON.stringify({ portfolioId: 'book', analysisType: 'risk', properties });
    return {
      bytes: new TextEncoder().encode(dialect.bom ? `\uFEFF${json}` : json),
      type: 'application/json',
      query: '',
    };
  }
  const columns = csvColumnsFor(properties);
  if (dialect.kind === 'xlsx') {
    const rows = properties.map((p) =>
      columns.map((c) => {
        const value = valueAt(p, c.path);
        // Dates as date cells, as Excel stores them; everything else as typed.
        if (typeof value === 'string' && /Date$|^date$/.test(String(c.path.at(-1))))
          return new Date(`${value}T00:00:00Z`);
        return (value as string | number | undefined) ?? null;
      }),
    );
    const bytes = await xlsxOf({ Tape: [columns.map((c) => c.header), ...rows] });
    return { bytes, type: 'application/octet-stream', query: QUERY };
  }
  const numbers = dialect.separator === ';' ? decimalComma : (n: number) => JSON.stringify(n);
  const eol = dialect.crlf ? '\r\n' : '\n';
  const lines = [
    csvHeaderLine(columns, dialect.separator),
    ...properties.map((p) => csvRecordLine(p, columns, dialect.separator, numbers)),
  ];
  // A byte-order mark is a Unicode thing: UTF-16 always has one, UTF-8 may, Windows-1252 cannot.
  const bom = dialect.encoding === 'utf-16le' || (dialect.bom && dialect.encoding === 'utf-8');
  const content = `${bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
  return { bytes: iconv.encode(content, dialect.encoding), type: 'text/csv', query: QUERY };
}

describe('every dialect reads back the portfolio written in it', () => {
  it('CSV (each separator, BOM, CRLF, UTF-8, UTF-16, Windows-1252), XLSX and JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(propertyArb, { minLength: 1, maxLength: 5 }), dialectArb, async (drafts, dialect) => {
        // Through the schema first: that is what a property looks like once valid (text trimmed).
        const properties = drafts.map((draft, i) => propertySchema({ asOf }).parse({ ...draft, propertyId: `P${i}` }));
        const { bytes, type, query } = await write(properties, dialect);
        const read = await readRequest(bytes, type, query);
        if (!read.ok) throw new Error(`${JSON.stringify(dialect)}: ${JSON.stringify(read.body.errors, null, 1)}`);
        expect(read.value.request.properties).toStrictEqual(properties);
        expect(read.value.dataQuality.format.kind).toBe(dialect.kind);
      }),
      { numRuns: 120 },
    );
  });
});
