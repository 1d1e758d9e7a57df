// Excel workbooks: typed cells (numbers, dates, text) read by the same rules as CSV cells.
import { describe, expect, it } from 'vitest';
import { errorsOf, propertiesOf, readRequest, readXlsx, warningCounts, xlsxOf } from './tapes.ts';

const HEADER = ['Property ID', 'Address', 'State', 'ZIP', 'Property Type', 'Loan Balance', 'Last Appraisal Date'];

describe('reading .xlsx', () => {
  it('reads typed cells: numbers, date cells, text ZIPs, a 5-digit ZIP stored as a number', async () => {
    const workbook = await xlsxOf({
      Tape: [
        HEADER,
        ['P-1', '12 Elm St', 'MA', '02134', 'Condominium', 300000.5, new Date('2024-03-15T00:00:00Z')],
        [1001, '88 Oak Ave', 'Texas', 78701, 'SF', 320000, '3/15/2024'],
      ],
    });
    const result = await readXlsx(workbook);
    expect(propertiesOf(result)).toStrictEqual([
      {
        propertyId: 'P-1',
        address: '12 Elm St',
        state: 'MA',
        zip: '02134',
        propertyType: 'CONDO',
        loan: { balance: 300000.5 },
        lastAppraisalDate: '2024-03-15',
      },
      {
        propertyId: '1001',
        address: '88 Oak Ave',
        state: 'TX',
        zip: '78701',
        propertyType: 'SFR',
        loan: { balance: 320000 },
        lastAppraisalDate: '2024-03-15',
      },
    ]);
    expect(warningCounts(result)).toMatchObject({
      'ZIP_FROM_NUMBER zip': 1,
      'VALUE_AS_TEXT propertyId': 1,
      'STATE_CODE state': 1,
    });
  });

  it('refuses a ZIP that lost its leading zero as a number, and a date left as a serial number', async () => {
    const workbook = await xlsxOf({ Tape: [HEADER, ['P-1', '12 Elm St', 'MA', 2134, 'SFR', 1, 45366]] });
    expect(errorsOf(await readXlsx(workbook)).map((e) => [e.path, e.code, e.fix])).toStrictEqual([
      ['row 2, column ZIP', 'NUMBER_FOR_TEXT', 'store the column as text and write 02134'],
      ['row 2, column Last Appraisal Date', 'EXCEL_DATE_SERIAL', 'format the column as YYYY-MM-DD (here 2024-03-15)'],
    ]);
  });

  it('reads the first sheet, or the one named; a missing sheet is one error naming the others', async () => {
    const row = ['P-1', '12 Elm St', 'MA', '02134', 'SFR', 1, null];
    const workbook = await xlsxOf({ Summary: [['not a tape']], Loans: [HEADER, row] });
    expect(errorsOf(await readXlsx(workbook)).map((e) => e.code)).toStrictEqual(['NOT_A_PROPERTY_HEADER']);
    expect(propertiesOf(await readXlsx(workbook, { sheet: 'Loans' }))).toHaveLength(1);
    const [missing] = errorsOf(await readXlsx(workbook, { sheet: 'Tape' }));
    expect(missing).toMatchObject({ code: 'SHEET_NOT_FOUND' });
    expect(missing?.message).toContain('Summary');
  });

  it("names the sheet read, the workbook's sheets and ?sheet= when the first sheet is not the tape", async () => {
    const workbook = await xlsxOf({
      Summary: [
        ['Portfolio', 'Total'],
        ['book', 12],
      ],
      Loans: [HEADER],
    });
    const [error] = errorsOf(await readXlsx(workbook));
    expect(error?.code).toBe('NOT_A_PROPERTY_HEADER');
    expect(error?.message).toContain("sheet 'Summary' was read (the workbook's sheets: 'Summary', 'Loans')");
    expect(error?.fix).toContain('name the sheet that holds the tape with ?sheet=NAME (?sheet=Loans)');
    expect(error?.message).not.toContain('separated');
  });

  it('skips empty rows, ignores empty trailing columns, and finds a title above the header', async () => {
    const row = ['P-1', '12 Elm St', 'MA', '02134', 'SFR', 1, null, null];
    expect(
      propertiesOf(await readXlsx(await xlsxOf({ T: [[...HEADER, null], [null], row, [null, null]] }))),
    ).toHaveLength(1);
    const titled = await xlsxOf({ T: [['Loan tape as of 2024-03-31'], [null], HEADER, row] });
    expect(errorsOf(await readXlsx(titled)).map((e) => [e.code, e.fix])).toStrictEqual([
      ['HEADER_NOT_IN_ROW_1', 'delete rows 1-2'],
    ]);
  });

  it('refuses a body that is not a workbook as one error', async () => {
    const [error] = errorsOf(await readXlsx(new TextEncoder().encode('PK\u0003\u0004 not really a zip')));
    expect(error).toMatchObject({ path: '', code: 'INVALID_XLSX' });
  });

  it('is read through the API by its content type, or by content as application/octet-stream', async () => {
    const workbook = await xlsxOf({ T: [HEADER, ['P-1', '12 Elm St', 'MA', '02134', 'SFR', 1, null]] });
    for (const type of [
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/octet-stream',
      'text/csv',
    ]) {
      const read = await readRequest(workbook, type, '?portfolioId=book&analysisType=risk');
      expect(read.ok && read.value.dataQuality.format).toStrictEqual({ kind: 'xlsx', sheet: 'T' }); // the sheet read, named;
    }
    const named = await readRequest(
      workbook,
      'application/octet-stream',
      '?portfolioId=book&analysisType=risk&sheet=T',
    );
    expect(named.ok && named.value.dataQuality.format).toStrictEqual({ kind: 'xlsx', sheet: 'T' });
  });
});
