// Header rows: spellings, synonyms, the caller's column map, "did you mean", and the one error for a header
// that is not this product's layout (or not in row 1).
import { describe, expect, it } from 'vitest';
import { scalarFieldPaths } from '../../../src/domain/property-fields.ts';
import { columnMapSchema, planColumns, resolveFieldName } from '../../../src/intake/columns.ts';
import { HEADER_SYNONYMS, squash } from '../../../src/intake/vocabulary.ts';
import { csv, errorsOf, propertiesOf, readCsv, warningsOf } from './tapes.ts';

const ROW = 'P1,1 Main St,TX,75001,SFR,250000';
/** The fields of the header's columns (after the five required ones when `required` is given). */
const fieldsOf = (header: string, required = '') => {
  const plan = planColumns(`${required}${header}`.split(','));
  if (!plan.ok) throw new Error(plan.errors.map((e) => e.message).join('\n'));
  return plan.columns.map((c) => (c.kind === 'field' ? c.field : c.kind)).slice(required.split(',').length - 1);
};
const REQUIRED = 'propertyId,address,state,zip,propertyType,';

describe('header spellings and synonyms', () => {
  it.each([
    'propertyId,address,state,zip,propertyType,loan.balance',
    'Property ID,Address,State,ZIP,Property Type,Loan Balance',
    'property_id,ADDRESS,state,Zip,property_type,LOAN_BALANCE',
    'PROPERTYID,Street Address,ST,Zip Code,Prop Type,UPB',
    'Property Number,Property Address,Property State,Postal Code,PROP_TYP,Current UPB',
    'Property-ID,Situs Address,State Code,ZIP5,Type,Unpaid Principal Balance',
  ])('reads %s', (header) => {
    expect(fieldsOf(header)).toStrictEqual(['propertyId', 'address', 'state', 'zip', 'propertyType', 'loan.balance']);
  });

  it('reads list columns in any spelling', () => {
    const header =
      'Appraisals[0].Appraisal ID,appraisals[0]_appraiser_id,APPRAISALS[0].APPRAISED VALUE,appraisals[0].Effective Date,Sales[0].Date,sales[0]_price';
    expect(fieldsOf(header, REQUIRED)).toStrictEqual([
      'appraisals[0].appraisalId',
      'appraisals[0].appraiserId',
      'appraisals[0].appraisedValue',
      'appraisals[0].effectiveDate',
      'sales[0].date',
      'sales[0].price',
    ]);
  });

  it('tells unit from units, and reads the ULDD unit identifier', () => {
    expect(fieldsOf('Unit,Units', REQUIRED)).toStrictEqual(['unit', 'units']);
    expect(fieldsOf('Apt,NUM_UNIT', REQUIRED)).toStrictEqual(['unit', 'units']);
    expect(fieldsOf('AddressUnitIdentifier,Number of Units', REQUIRED)).toStrictEqual(['unit', 'units']);
  });

  it('has a synonym table that names real fields and never one name twice', () => {
    const fields = new Set(scalarFieldPaths().map((p) => p.join('.')));
    const seen = new Map<string, string>();
    for (const [field, names] of Object.entries(HEADER_SYNONYMS)) {
      expect(fields.has(field)).toBe(true);
      for (const name of names) {
        const key = squash(name);
        expect({ name, other: seen.get(key) }).toStrictEqual({ name, other: undefined });
        expect({ name, field: resolveFieldName(name)?.ok ? 'a field name' : undefined }).toStrictEqual({
          name,
          field: undefined,
        });
        seen.set(key, field);
      }
    }
  });

  it('reports matches by synonym as one warning listing them', async () => {
    const result = await readCsv(csv('Property ID,Street Address,ST,ZIP,Property Type,UPB', ROW));
    expect(propertiesOf(result)[0]?.loan?.balance).toBe(250000);
    expect(warningsOf(result).find((w) => w.code === 'HEADER_MATCHED')?.message).toBe(
      "3 headers read by synonym or column map: 'Street Address' as address, 'ST' as state, 'UPB' as loan.balance",
    );
  });
});

describe('errors on the header row', () => {
  it('suggests the field an unknown column was likely meant to be', async () => {
    const errors = errorsOf(await readCsv(csv('propertyId,adress,state,zip,propertyType,loan.balanse', ROW)));
    expect(errors.map((e) => [e.path, e.code, e.message])).toStrictEqual([
      [
        'row 1, column adress',
        'UNKNOWN_COLUMN',
        "unknown column 'adress': did you mean address?: rename the column to address",
      ],
      [
        'row 1, column loan.balanse',
        'UNKNOWN_COLUMN',
        "unknown column 'loan.balanse': did you mean loan.balance?: rename the column to loan.balance",
      ],
      [
        'row 1, column address',
        'MISSING_COLUMN',
        'required column address is missing: add an address column (or map the column that holds it with columnMap)',
      ],
    ]);
  });

  it('explains columns that look like ours but are not (original amounts, LTV)', async () => {
    const [ltv] = errorsOf(await readCsv(csv('propertyId,address,state,zip,propertyType,LTV', ROW)));
    expect(ltv?.message).toBe(
      "column 'LTV' is computed by the product from loan.balance and the current value: drop the column or ignore it: remove the column, or map it with columnMap",
    );
  });

  it.each([
    ['loan', 'loan is a group, name one of its fields'],
    ['appraisals[0]', 'appraisals[0] is a group, name one of its fields'],
    ['sales', 'sales is a list, name a field of an item (sales[0]...)'],
    ['sales[50].date', 'sales has at most 50 items, indexed from 0'],
    ['appraisals[0].comparables[50].salePrice', 'appraisals[0].comparables has at most 50 items, indexed from 0'],
  ])('explains the bad header %s', async (header, problem) => {
    const errors = errorsOf(
      await readCsv(csv(`propertyId,address,state,zip,propertyType,${header}`, `${ROW.slice(0, -7)},1`)),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ column: header, message: `unknown column '${header}': ${problem}` }),
    );
  });

  it('reports two columns holding one field', async () => {
    const errors = errorsOf(
      await readCsv(csv('propertyId,address,state,zip,propertyType,Loan Balance,UPB', `${ROW},1`)),
    );
    expect(errors.map((e) => e.message)).toStrictEqual([
      "column 'UPB' holds loan.balance, as column 'Loan Balance' does: keep one of them",
    ]);
  });

  it('reports required columns missing, including those of a present group or list item', async () => {
    const header =
      'propertyId,address,zip,propertyType,loan.secondLienBalance,appraisals[0].appraisalId,appraisals[0].appraisedValue,appraisals[0].effectiveDate';
    expect(
      errorsOf(await readCsv(csv(header, 'P1,a,75001,SFR,1,A1,100,2020-01-01'))).map((e) => e.column),
    ).toStrictEqual(['state', 'loan.balance', 'appraisals[0].appraiserId']);
  });

  it.each([
    ['a header of other names', 'LOAN_ID,ORIG_RT,FICO,DTI\n1,6.5,720,36\n'],
    ['a header split by another character', 'propertyId:address:state:zip:propertyType\nP1:a:TX:75001:SFR\n'],
    ['no header at all', 'P1,1 Main St,TX,75001,SFR\nP2,2 Main St,TX,75001,SFR\n'],
  ])('answers %s with one error on row 1', async (_name, text) => {
    const errors = errorsOf(await readCsv(text));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'row 1', code: 'NOT_A_PROPERTY_HEADER' });
  });

  it.each([
    [
      'one title row',
      'Loan tape,,,,\npropertyId,address,state,zip,propertyType\nP1,a,TX,75001,SFR\n',
      'delete rows 1-1',
    ],
    [
      'a title and a date',
      'ACME Bank,,,,\nas of 2024-03-31,,,,\n,,,,\nProperty ID,Address,State,ZIP,Type\nP1,a,TX,75001,SFR\n',
      'delete rows 1-3',
    ],
  ])('answers %s above the header with one error naming the rows to delete', async (_name, text, fix) => {
    const errors = errorsOf(await readCsv(text));
    expect(errors.map((e) => [e.code, e.fix])).toStrictEqual([['HEADER_NOT_IN_ROW_1', fix]]);
  });
});

describe('the caller’s column map and unknownColumns=ignore', () => {
  const agency = csv('LOAN_ID|ADDR|PROP_ST|ZIP_CODE|PROP_TYP|CURR_UPB|FICO', 'L1|1 Main St|TX|75001|SF|250000|720');

  it('maps their headers to our fields and ignores the columns mapped to null', async () => {
    const columnMap = {
      LOAN_ID: 'propertyId',
      ADDR: 'address',
      PROP_ST: 'state',
      CURR_UPB: 'loan.balance',
      fico: null,
    };
    const result = await readCsv(agency, { columnMap });
    expect(propertiesOf(result)).toStrictEqual([
      {
        propertyId: 'L1',
        address: '1 Main St',
        state: 'TX',
        zip: '75001',
        propertyType: 'SFR',
        loan: { balance: 250000 },
      },
    ]);
    expect(warningsOf(result).map((w) => w.code)).toContain('COLUMN_IGNORED');
  });

  it('ignores unknown columns on request, listing them', async () => {
    const text = csv('propertyId,address,state,zip,propertyType,FICO,DTI', 'P1,a,TX,75001,SFR,720,36');
    const result = await readCsv(text, { unknownColumns: 'ignore' });
    expect(propertiesOf(result)).toHaveLength(1);
    expect(warningsOf(result).find((w) => w.code === 'COLUMN_IGNORED')?.message).toBe(
      "2 columns ignored: 'FICO', 'DTI'",
    );
  });

  it('refuses a map to a name that is no field, and a map of a column the file lacks', () => {
    expect(columnMapSchema.safeParse({ X: 'loan.rate' }).error?.issues[0]?.message).toBe(
      "'loan.rate' is not a field: name one like loan.balance or appraisals[0].appraisedValue",
    );
    expect(columnMapSchema.safeParse({ X: 'loan' }).success).toBe(false);
    expect(columnMapSchema.safeParse({ X: 'appraisals[0].appraisedValue', Y: null }).success).toBe(true);
  });

  it('says when the map names a column the header does not have', async () => {
    const errors = errorsOf(
      await readCsv(csv('propertyId,address,state,zip,propertyType', 'P1,a,TX,75001,SFR'), {
        columnMap: { Balanse: 'loan.balance' },
      }),
    );
    expect(errors.map((e) => e.code)).toStrictEqual(['COLUMN_MAP_UNUSED']);
  });
});
