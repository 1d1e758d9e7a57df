// An Excel workbook read as a stream (xlsx-rows.ts): whatever order its parts are stored in, cut short,
// or failing mid-read, and the cells a streaming reader sees differently from a whole-workbook one.
import { Workbook, WorkbookWriter } from '@cj-tech-master/excelts';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { readXlsxTape } from '../../../src/intake/tape.ts';
import {
  asOf,
  entriesOf,
  errorsOf,
  propertiesOf,
  PropertyList,
  readXlsx,
  reordered,
  warningCounts,
  xlsxOf,
} from './tapes.ts';

const HEADER = ['Property ID', 'Address', 'State', 'ZIP', 'Property Type', 'Loan Balance', 'Last Appraisal Date'];
const ROWS = [
  HEADER,
  ['P-1', '12 Elm St', 'MA', '02134', 'Condominium', 300000.5, new Date('2024-03-15T00:00:00Z')],
  ['P-2', '88 Oak Ave', 'Texas', '78701', 'SF', 320000, null],
];

describe('an Excel workbook read as a stream', () => {
  it('reads the same whether the shared strings are stored after the sheet (as Excel stores them) or before', async () => {
    const workbook = await xlsxOf({ Tape: ROWS });
    const paths = (await entriesOf(workbook)).map((e) => e.path);
    // write-excel-file stores them as Excel does: the sheet first, the strings it refers to after it.
    expect(paths.indexOf('xl/sharedStrings.xml')).toBeGreaterThan(paths.indexOf('xl/worksheets/sheet1.xml'));
    const stringsFirst = await reordered(workbook, (path) => (path === 'xl/sharedStrings.xml' ? 0 : 1));
    const after = await readXlsx(workbook);
    const before = await readXlsx(stringsFirst);
    expect(propertiesOf(before)).toStrictEqual(propertiesOf(after));
    expect(before.ok && before.dataQuality).toStrictEqual(after.ok && after.dataQuality);
    expect(propertiesOf(after).map((p) => [p.propertyId, p.lastAppraisalDate])).toStrictEqual([
      ['P-1', '2024-03-15'],
      ['P-2', undefined],
    ]);
  });

  it('names the first sheet in workbook order, whatever order the sheets are stored in', async () => {
    const workbook = await xlsxOf({ Loans: ROWS, Notes: [['not a tape']] });
    const notesFirst = await reordered(workbook, (path) => (path === 'xl/worksheets/sheet2.xml' ? 0 : 1));
    expect((await readXlsx(notesFirst)).ok && propertiesOf(await readXlsx(notesFirst))).toHaveLength(2);
    const [error] = errorsOf(await readXlsx(notesFirst, { sheet: 'Summary' }));
    expect(error?.message).toContain("(its sheets: 'Loans', 'Notes')");
  });

  it('refuses a workbook cut short as one error, without waiting for bytes that never come', async () => {
    const workbook = await xlsxOf({
      Tape: [...ROWS, ...Array.from({ length: 2000 }, (_, i) => [`P-${i + 3}`, ...ROWS[1]!.slice(1)])],
    });
    for (const length of [Math.floor(workbook.length / 2), workbook.length - 30]) {
      const [error] = errorsOf(await readXlsx(workbook.subarray(0, length)));
      expect(error).toMatchObject({ path: '', code: 'INVALID_XLSX' });
    }
  });

  it('fails with the error of a byte source that fails mid-read (a blob replaced while read), not as a bad workbook', async () => {
    const workbook = await xlsxOf({ Tape: ROWS });
    const changed = new Error('the blob was replaced');
    const source = async function* () {
      yield workbook.subarray(0, 1000);
      throw changed;
    };
    await expect(readXlsxTape(source, { asOf, invalidRows: 'reject', maxRows: 100 }, new PropertyList())).rejects.toBe(
      changed,
    );
  });

  it('fails with the error of a sink that fails (staging storage down), not as a bad workbook', async () => {
    const workbook = await xlsxOf({ Tape: ROWS });
    const down = new Error('staging storage is down');
    const source = async function* () {
      yield workbook;
    };
    const failing = {
      add: () => {
        throw down;
      },
    };
    await expect(readXlsxTape(source, { asOf, invalidRows: 'reject', maxRows: 100 }, failing)).rejects.toBe(down);
  });

  it('reads a value right of the header as a value in a column without a header, not as an overflowing row', async () => {
    const workbook = await xlsxOf({ Tape: [HEADER, [...ROWS[1]!, null, 'see note'], ROWS[2]!] });
    const result = await readXlsx(workbook, { invalidRows: 'skip' });
    expect(result.ok && result.dataQuality.skippedRows?.[0]?.reasons.map((r) => [r.code, r.message])).toStrictEqual([
      [
        'VALUE_WITHOUT_HEADER',
        "column 9 has no header but holds 'see note': name the column in row 1, or delete the value",
      ],
    ]);
    expect(warningCounts(result)).toMatchObject({ EMPTY_COLUMNS_IGNORED: 2 });
  });

  it("reads a formula's last result (a date format makes it a date, in the 1904 system too), an error cell as absent", async () => {
    const book = new Workbook();
    book.properties.date1904 = true;
    const sheet = book.addWorksheet('Tape');
    sheet.addRow([...HEADER, 'Unit']);
    sheet.addRow([
      { formula: '"P-"&1', result: 'P-1' },
      '12 Elm St',
      'MA',
      '02134',
      'SFR',
      { formula: 'B9*2', result: 300000 },
      { formula: 'DATE(2024,3,15)', result: new Date('2024-03-15T00:00:00Z') },
      { error: '#N/A' },
    ]);
    sheet.getCell('G2').numFmt = 'yyyy-mm-dd';
    const workbook = new Uint8Array(await book.xlsx.writeBuffer());
    expect(propertiesOf(await readXlsx(workbook))).toStrictEqual([
      {
        propertyId: 'P-1',
        address: '12 Elm St',
        state: 'MA',
        zip: '02134',
        propertyType: 'SFR',
        loan: { balance: 300000 },
        lastAppraisalDate: '2024-03-15',
      },
    ]);
  });

  it('reads inline strings, as a workbook written in a stream stores its text', async () => {
    const output = new PassThrough();
    const bytes = buffer(output);
    const writer = new WorkbookWriter({ stream: output, useSharedStrings: false });
    const sheet = writer.addWorksheet('Tape');
    for (const row of ROWS) sheet.addRow([...row]).commit();
    sheet.commit();
    await writer.commit();
    const workbook = new Uint8Array(await bytes);
    expect(propertiesOf(await readXlsx(workbook))).toStrictEqual(
      propertiesOf(await readXlsx(await xlsxOf({ Tape: ROWS }))),
    );
  });
});
