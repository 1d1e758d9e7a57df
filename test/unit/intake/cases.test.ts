// Every file of shared/cases/input (issue 9; copied byte for byte to test/fixtures/input-cases) with the
// answer an analyst expects, read the way the analyze and estimate triggers read a request. Each file is one
// of a kind of fault; the other tests of this folder try variants of each kind.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exactHhi, hhiValue } from '../../../src/domain/hhi.ts';
import { countyKey } from '../../../src/domain/summary.ts';
import { propertyIdentity, sharedIdentities, valuationKey } from '../../../src/domain/identity.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import { readRequest, warningCounts } from './tapes.ts';

const CASES = new URL('../../fixtures/input-cases/', import.meta.url);
const today = new Date('2026-11-29T00:00:00Z');
const QUERY = '?portfolioId=case&analysisType=risk';
const file = (name: string) => readFileSync(new URL(name, CASES));

async function read(name: string, contentType = 'text/csv', query = QUERY) {
  return readRequest(file(name), contentType, query, today);
}
async function accepted(name: string, contentType?: string, query?: string) {
  const result = await read(name, contentType, query);
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.body.errors, null, 1)}`);
  return { properties: result.value.request.properties, counts: warningCounts(result.value), ...result.value };
}
async function refused(name: string, contentType?: string, query?: string) {
  const result = await read(name, contentType, query);
  if (result.ok) throw new Error(`${name}: expected errors`);
  return result;
}

const elm: Property = {
  propertyId: 'P-001',
  address: '12 Elm St',
  city: 'Boston',
  state: 'MA',
  zip: '02134',
  county: 'Suffolk',
  propertyType: 'CONDO',
  lastAppraisedValue: 450_000,
  lastAppraisalDate: '2024-03-15',
  loan: { balance: 300_000 },
};
const oak: Property = {
  propertyId: 'P-002',
  address: '88 Oak Ave',
  city: 'Austin',
  state: 'TX',
  zip: '78701',
  county: 'Travis',
  propertyType: 'SFR',
  lastAppraisedValue: 510_000,
  lastAppraisalDate: '2023-11-02',
  loan: { balance: 320_000 },
};

describe('separators and encodings', () => {
  it('semicolon-separated-eu-excel.csv: reads ; with decimal commas (BOM, CRLF)', async () => {
    const { properties, dataQuality, counts } = await accepted('semicolon-separated-eu-excel.csv');
    expect(properties).toStrictEqual([elm, oak]);
    expect(dataQuality.format).toStrictEqual({ kind: 'csv', encoding: 'utf-8', separator: ';', decimalComma: true });
    expect(counts).toMatchObject({ 'DECIMAL_COMMA lastAppraisedValue': 2, 'DECIMAL_COMMA loan.balance': 2 });
  });

  it('pipe-delimited-agency-style.csv: reads |', async () => {
    const { properties, dataQuality } = await accepted('pipe-delimited-agency-style.csv');
    expect(properties).toStrictEqual([elm, oak]);
    expect(dataQuality.format.separator).toBe('|');
  });

  it('windows-1252-encoded-accents.csv: decodes Windows-1252 (detected, or declared) and says so', async () => {
    for (const contentType of ['text/csv', 'text/csv; charset=windows-1252']) {
      const { properties, dataQuality, counts } = await accepted('windows-1252-encoded-accents.csv', contentType);
      expect(properties.map((p) => [p.address, p.city, p.county])).toStrictEqual([
        ['1234 Calle Peñasco', 'Española', 'Río Arriba'],
        ['17 Rue Bénévole', 'Nouvelle Ibérie', 'Iberia'],
      ]);
      expect(dataQuality.format.encoding).toBe('windows-1252');
      expect(counts.ENCODING_WINDOWS_1252 === 1).toBe(contentType === 'text/csv'); // detected, not declared
    }
  });

  it.each(['application/vnd.ms-excel', 'text/plain', 'application/octet-stream'])(
    'csv-sent-as-application-vnd-ms-excel.csv as %s: recognised as CSV by content',
    async (contentType) => {
      const { properties } = await accepted('csv-sent-as-application-vnd-ms-excel.csv', contentType);
      expect(properties).toStrictEqual([{ ...elm, address: '12 Elm St, Unit 4' }, oak]);
    },
  );

  it('json-with-utf8-bom.json: ignores the byte-order mark', async () => {
    const { request } = await accepted('json-with-utf8-bom.json', 'application/json', '');
    expect(request).toMatchObject({ portfolioId: 'book-1', analysisType: 'risk' });
    const { county: _county, ...withoutCounty } = elm;
    expect(request.properties).toStrictEqual([withoutCounty]);
  });
});

describe('headers and structure', () => {
  it('header-names-with-spaces-and-case.csv: Property ID, ZIP, Loan Balance are the fields', async () => {
    const { properties } = await accepted('header-names-with-spaces-and-case.csv');
    expect(properties).toStrictEqual([elm]);
  });

  it('fannie-acquisition-style-columns.csv: one error naming the separator, the layout and ZIP_3', async () => {
    const { status, body } = await refused('fannie-acquisition-style-columns.csv');
    expect(status).toBe(400);
    expect(body.errors).toStrictEqual([
      {
        path: 'row 1',
        row: 1,
        code: 'NOT_A_PROPERTY_HEADER',
        message:
          'the header in row 1 (read as \'|\'-separated) does not name this product\'s columns: 8 of 11 are unknown (LOAN_ID, ORIG_CHN, ORIG_RT, ORIG_AMT, ORIG_DTE, OLTV, OCLTV, ZIP_3); required columns are missing (propertyId, address, zip); LOAN_ID names the loan: map it to propertyId when each loan has its own property (columnMap={"LOAN_ID":"propertyId"}); ORIG_AMT is the original loan amount: the product needs the current unpaid balance (loan.balance, e.g. UPB); OLTV is the original LTV, computed by the product from today\'s values instead: drop the column or ignore it; OCLTV is the original CLTV, computed by the product from today\'s values instead: drop the column or ignore it; ZIP_3 holds 3-digit ZIP prefixes, which cannot locate a property: give each property its 5-digit zip: rename the columns to the field names (README "Input" lists them with the synonyms read), or map them with columnMap',
        fix: 'rename the columns to the field names (README "Input" lists them with the synonyms read), or map them with columnMap',
      },
    ]);
    expect(body.totalErrors).toBe(1);
  });

  it('title-rows-above-header.csv: one error, the header must be row 1', async () => {
    const { body } = await refused('title-rows-above-header.csv');
    expect(body.errors).toStrictEqual([
      {
        path: 'row 1',
        row: 1,
        code: 'HEADER_NOT_IN_ROW_1',
        message:
          "row 1 is not a header (found 'Portfolio extract as of 2024-03-31'); the header must be the first row: delete rows 1-2 so that the header in row 3 comes first",
        fix: 'delete rows 1-2',
      },
    ]);
  });

  it('excel-trailing-empty-columns.csv: ignores the empty columns', async () => {
    const { properties, counts } = await accepted('excel-trailing-empty-columns.csv');
    expect(properties).toStrictEqual([elm, oak]);
    expect(counts.EMPTY_COLUMNS_IGNORED).toBe(3);
  });

  it('trailing-empty-cells-in-data-rows-only.csv: ignores empty cells beyond the header', async () => {
    const { properties, counts } = await accepted('trailing-empty-cells-in-data-rows-only.csv');
    expect(properties).toStrictEqual([elm, oak]);
    expect(counts.TRAILING_CELLS_IGNORED).toBe(1);
  });

  it('currency-thousands-unquoted-shifts-columns.csv: names the column that overflowed', async () => {
    const { body } = await refused('currency-thousands-unquoted-shifts-columns.csv');
    expect(body.errors).toStrictEqual([
      {
        path: 'row 2',
        row: 2,
        code: 'TOO_MANY_CELLS',
        message:
          "has 11 cells, the header has 10 columns: column lastAppraisedValue most likely overflowed ('$450' and '000' look like one amount '$450,000' split at its thousands separator): quote the amount (\"$450,000\") or write 450000",
        fix: 'quote the amount ("$450,000") or write 450000',
      },
    ]);
  });

  it('appraisals-long-format-one-row-per-appraisal.csv: says to put the second appraisal in appraisals[1]', async () => {
    const { body } = await refused('appraisals-long-format-one-row-per-appraisal.csv');
    const fix =
      "one row per property: put this row's appraisal in the next free appraisals[1].* (appraisals[2].*, ...) columns of row 2";
    expect(body.errors).toStrictEqual([
      {
        path: 'row 3, column propertyId',
        row: 3,
        column: 'propertyId',
        field: 'propertyId',
        code: 'DUPLICATE_PROPERTY_ID',
        message: `duplicate propertyId 'P-001' (first at row 2): ${fix}`,
        fix,
      },
    ]);
  });
});

describe('values', () => {
  it('currency-dollar-thousands-quoted.csv: $ and thousands separators read', async () => {
    const { properties, counts } = await accepted('currency-dollar-thousands-quoted.csv');
    expect(properties).toStrictEqual([{ ...elm, lastAppraisedValue: 1_234_567, loan: { balance: 800_000 } }, oak]);
    expect(counts).toMatchObject({ 'MONEY_FORMAT lastAppraisedValue': 1, 'MONEY_FORMAT loan.balance': 1 });
  });

  it('na-null-dash-placeholders.csv: N/A, NULL, -, #N/A are empty; a NULL date is absent, not "in the future"', async () => {
    const { properties, counts } = await accepted('na-null-dash-placeholders.csv');
    expect(properties).toStrictEqual([
      {
        propertyId: 'P-001',
        address: '12 Elm St',
        city: 'Boston',
        state: 'MA',
        zip: '02134',
        propertyType: 'CONDO',
        lastAppraisedValue: 450_000,
        lastAppraisalDate: '2024-03-15',
        loan: { balance: 300_000 },
      },
      {
        propertyId: 'P-002',
        address: '88 Oak Ave',
        state: 'TX',
        zip: '78701',
        propertyType: 'SFR',
        livingAreaSqft: 1800,
        yearBuilt: 1999,
        lastAppraisedValue: 510_000,
        loan: { balance: 320_000 },
      },
    ]);
    expect(counts).toMatchObject({
      'NULL_TOKEN county': 2,
      'NULL_TOKEN city': 1,
      'NULL_TOKEN livingAreaSqft': 1,
      'NULL_TOKEN yearBuilt': 1,
      'NULL_TOKEN lastAppraisalDate': 1,
      'NULL_TOKEN loan.secondLienBalance': 2,
    });
  });

  it('na-null-in-text-columns-silently-kept.csv: no NULL county or city, so no `MA|NULL` group', async () => {
    const { properties } = await accepted('na-null-in-text-columns-silently-kept.csv');
    expect(properties.map((p) => [p.city, p.county])).toStrictEqual([
      [undefined, undefined],
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });

  it('us-dates-mdy.csv: M/D/YYYY read as YYYY-MM-DD', async () => {
    const { properties, counts } = await accepted('us-dates-mdy.csv');
    expect(properties).toStrictEqual([elm, oak]);
    expect(counts['DATE_MDY lastAppraisalDate']).toBe(2);
  });

  it('excel-serial-and-2digit-year-dates.csv: one clear error each, never "in the future"', async () => {
    const { body } = await refused('excel-serial-and-2digit-year-dates.csv');
    expect(body.errors).toStrictEqual([
      {
        path: 'row 2, column lastAppraisalDate',
        row: 2,
        column: 'lastAppraisalDate',
        field: 'lastAppraisalDate',
        code: 'EXCEL_DATE_SERIAL',
        message:
          "'45366' looks like an Excel date serial (45366 = 2024-03-15): format the column as YYYY-MM-DD (here 2024-03-15)",
        fix: 'format the column as YYYY-MM-DD (here 2024-03-15)',
      },
      {
        path: 'row 3, column lastAppraisalDate',
        row: 3,
        column: 'lastAppraisalDate',
        field: 'lastAppraisalDate',
        code: 'TWO_DIGIT_YEAR',
        message: "'28-Feb-97' has a two-digit year: 1997 or 2097?: write YYYY-MM-DD (e.g. 1997-02-28 or 2097-02-28)",
        fix: 'write YYYY-MM-DD (e.g. 1997-02-28 or 2097-02-28)',
      },
    ]);
  });

  it('zip-leading-zero-stripped-and-zip9.csv: ZIP+4 normalised; lost zeros refused with the padded form', async () => {
    const { body } = await refused('zip-leading-zero-stripped-and-zip9.csv');
    expect(body.errors).toStrictEqual([
      {
        path: 'row 2, column zip',
        row: 2,
        column: 'zip',
        field: 'zip',
        code: 'LEADING_ZERO_LOST',
        message:
          "'2134' looks like the ZIP 02134 with its leading zero lost (spreadsheets drop them): write 02134, and store the column as text",
        fix: 'write 02134, and store the column as text',
      },
      {
        path: 'row 3, column zip',
        row: 3,
        column: 'zip',
        field: 'zip',
        code: 'LEADING_ZERO_LOST',
        message:
          "'501' looks like the ZIP 00501 with its leading zeros lost (spreadsheets drop them): write 00501, and store the column as text",
        fix: 'write 00501, and store the column as text',
      },
    ]);
    // With invalidRows=skip the two are left out, listed, and the ZIP+4 rows analysed.
    const skip = await accepted('zip-leading-zero-stripped-and-zip9.csv', 'text/csv', `${QUERY}&invalidRows=skip`);
    expect(skip.properties.map((p) => [p.propertyId, p.zip])).toStrictEqual([
      ['P-003', '02134-1234'],
      ['P-004', '02134-1234'],
    ]);
    expect(skip.dataQuality.skippedRows.map((s) => [s.row, s.propertyId, s.reasons.map((r) => r.code)])).toStrictEqual([
      [2, 'P-001', ['LEADING_ZERO_LOST']],
      [3, 'P-002', ['LEADING_ZERO_LOST']],
    ]);
    expect(skip.counts['ZIP4_DASH zip']).toBe(2);
  });

  it('property-type-vocabulary.csv: agency and plain words mapped, PUD and manufactured housing included', async () => {
    const { properties, counts } = await accepted('property-type-vocabulary.csv');
    expect(properties.map((p) => p.propertyType)).toStrictEqual([
      'SFR',
      'SFR',
      'CONDO',
      'PUD',
      'MULTI_2_4',
      'MANUFACTURED',
      'SFR',
      'CONDO',
    ]);
    expect(counts['PROPERTY_TYPE_MAPPED propertyType']).toBe(7); // `sfr` is the type in lower case
  });

  it('property-type-units-inconsistent.csv: warns about units that do not fit the type', async () => {
    const { properties, dataQuality } = await accepted('property-type-units-inconsistent.csv');
    expect(properties).toHaveLength(4);
    const warning = dataQuality.warnings.find((w) => w.code === 'UNITS_INCONSISTENT');
    expect(warning?.examples.map((e) => [e.row, e.value])).toStrictEqual([
      [2, 'MULTI_2_4, units 1'],
      [3, 'SFR, units 4'],
      [4, 'MULTIFAMILY, units 2'],
    ]);
  });

  it('lat-long-swapped.csv: refuses a New York pair that looks swapped, with the pair to write', async () => {
    const { body } = await refused('lat-long-swapped.csv');
    expect(body.errors).toStrictEqual([
      {
        path: 'row 2, column latitude',
        row: 2,
        column: 'latitude',
        field: 'latitude',
        code: 'COORDINATES_SWAPPED',
        message:
          'latitude -73.938104, longitude 40.750044 looks swapped (outside the United States as written, inside it swapped): write latitude 40.750044, longitude -73.938104',
        fix: 'write latitude 40.750044, longitude -73.938104',
      },
    ]);
  });

  it('county-spelling-variants.csv: Harris, HARRIS, Harris County, Harris Co. are one county', async () => {
    const { properties, counts } = await accepted('county-spelling-variants.csv');
    const groups = new Map<string, number>();
    for (const p of properties) {
      const key = countyKey(p.state, p.county ?? '');
      groups.set(key, (groups.get(key) ?? 0) + (p.lastAppraisedValue ?? 0));
    }
    expect([...groups.keys()]).toStrictEqual(['TX|Harris', 'TX|Travis']);
    expect(hhiValue(exactHhi(groups.values()))).toBe(6800); // four equal values of five in one county: 80² + 20²
    expect(counts).toMatchObject({ 'COUNTY_SPELLING county': 1, 'COUNTY_SUFFIX county': 2 });
  });

  it('json-numbers-as-strings-zip-as-number.json: a numeric ZIP refused with the string to send', async () => {
    const { body } = await refused('json-numbers-as-strings-zip-as-number.json', 'application/json', '');
    expect(body.errors).toStrictEqual([
      {
        path: 'properties[0].zip',
        field: 'zip',
        code: 'NUMBER_FOR_TEXT',
        message:
          'is the number 2134: a ZIP given as a number loses its leading zeros: write it as a string like "02134"',
        fix: 'write it as a string like "02134"',
      },
    ]);
  });

  it('json-numbers-as-strings-zip-as-number.json with the ZIP as a string: "$450,000", "300000" and a midnight date-time read', async () => {
    const body = file('json-numbers-as-strings-zip-as-number.json')
      .toString('utf8')
      .replace('"zip": 2134', '"zip": "02134"');
    const result = await readRequest(body, 'application/json', '', today);
    if (!result.ok) throw new Error(JSON.stringify(result.body));
    expect(result.value.request.properties).toStrictEqual([
      {
        propertyId: 'P-001',
        address: '12 Elm St',
        city: 'Boston',
        state: 'MA',
        zip: '02134',
        propertyType: 'CONDO',
        lastAppraisedValue: 450_000,
        lastAppraisalDate: '2024-03-15',
        loan: { balance: 300_000 },
      },
    ]);
    expect(warningCounts(result.value)).toMatchObject({
      'MONEY_FORMAT lastAppraisedValue': 1,
      'NUMBER_AS_TEXT loan.balance': 1,
      'DATE_MIDNIGHT lastAppraisalDate': 1,
    });
  });
});

describe('property identity', () => {
  it('condo-units-without-unit-number.csv: warned, and the three units never share a valuation', async () => {
    const { properties, counts } = await accepted('condo-units-without-unit-number.csv');
    expect(counts).toMatchObject({ SHARED_ADDRESS_NO_UNIT: 2, UNIT_MISSING: 3 });
    const shared = sharedIdentities(properties);
    expect(new Set(properties.map((p) => valuationKey(p, shared))).size).toBe(3);
  });

  it('unit-number-in-separate-column.csv: the unit is read and is part of the identity', async () => {
    const { properties, counts } = await accepted('unit-number-in-separate-column.csv');
    expect(properties[0]).toMatchObject({ propertyId: 'C-101', address: '100 Harbor Dr', unit: '101' });
    expect(propertyIdentity(properties[0] as Property)).toBe('92101|100 HARBOR DR #101');
    expect(counts.UNIT_MISSING).toBeUndefined();
  });

  it('duplicate-property-different-ids.csv: warns that P-001 and p-001 are one address', async () => {
    const { properties, dataQuality } = await accepted('duplicate-property-different-ids.csv');
    expect(properties.map((p) => p.propertyId)).toStrictEqual(['P-001', 'p-001']);
    expect(dataQuality.warnings.find((w) => w.code === 'SHARED_ADDRESS_NO_UNIT')?.examples).toStrictEqual([
      { at: 'row 3', row: 3, value: 'p-001 and P-001 (row 2): 02134|12 ELM ST' },
    ]);
    const shared = sharedIdentities(properties);
    expect(valuationKey(properties[0] as Property, shared)).not.toBe(valuationKey(properties[1] as Property, shared));
  });
});
