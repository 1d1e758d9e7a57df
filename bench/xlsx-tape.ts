// Writes a generated CSV tape as an Excel workbook the way a lender's spreadsheet holds it: amounts, counts
// and coordinates as number cells, dates as date cells formatted YYYY-MM-DD, identifiers and ZIPs as text
// in shared strings stored after the sheet (as Excel stores them). Written in a stream (excelts's
// WorkbookWriter), so a 1,000,000-row workbook takes no more memory to write than a small one.
//   node bench/xlsx-tape.ts <tape.csv> <tape.xlsx>
import { createReadStream } from 'node:fs';
import { WorkbookWriter } from '@cj-tech-master/excelts';
import { parse } from 'csv-parse';

const [source, target] = process.argv.slice(2);
if (!source || !target) throw new Error('usage: node bench/xlsx-tape.ts <tape.csv> <tape.xlsx>');

/** Columns kept as text whatever they hold: identifiers, ZIPs and codes keep their leading zeros. */
const TEXT = /^(?:propertyId|address|unit|city|state|zip|county|countyFips|locale|propertyType)$|Id$|purpose|saleType/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const workbook = new WorkbookWriter({ filename: target, useSharedStrings: true, useStyles: true });
const sheet = workbook.addWorksheet('Tape');
let header: string[] | undefined;
let rows = 0;
for await (const record of createReadStream(source).pipe(parse({ relax_column_count: true })) as AsyncIterable<
  string[]
>) {
  if (header === undefined) {
    header = record;
    sheet.addRow(record).commit();
    continue;
  }
  const row = sheet.addRow(
    record.map((text, i) => {
      if (text === '') return null;
      if (TEXT.test(header?.[i] ?? '')) return text;
      if (DATE.test(text)) return new Date(`${text}T00:00:00Z`);
      const number = Number(text);
      return Number.isFinite(number) ? number : text;
    }),
  );
  row.eachCell((cell) => {
    if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
  });
  row.commit();
  rows++;
}
sheet.commit();
await workbook.commit();
console.error(`wrote ${rows} rows to ${target}`);
