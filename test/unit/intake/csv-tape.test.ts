// Reading CSV tapes: values, structure, errors by row and column, limits, and the lenient mode.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { describeIntakeErrors } from '../../../src/domain/data-quality.ts';
import { MAX_REPORTED_ERRORS } from '../../../src/domain/validation.ts';
import { csv, errorsOf, failureOf, propertiesOf, readCsv, warningCounts } from './tapes.ts';

const HEADER = 'propertyId,address,state,zip,propertyType';
/** `row N, column C: message` lines, for compact expectations. */
const lines = async (text: string, options: Parameters<typeof readCsv>[1] = {}) =>
  errorsOf(await readCsv(text, options)).map((e) => `${e.path}: ${e.message}`);

describe('values', () => {
  it('reads the required columns and leaves empty cells out', async () => {
    const properties = propertiesOf(
      await readCsv(
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

  it('builds nested objects from dotted headers and lists from indexed ones', async () => {
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
    expect(propertiesOf(await readCsv(csv(header, row)))).toStrictEqual([
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

  it('leaves a list or object out of a row whose cells for it are all empty (or placeholders)', async () => {
    const header = `${HEADER},loan.balance,sales[0].date,sales[0].price`;
    expect(
      propertiesOf(await readCsv(csv(header, 'P1,a,TX,75001,SFR,,,', 'P2,a,TX,75001,SFR,N/A,NULL,-'))),
    ).toStrictEqual([
      { propertyId: 'P1', address: 'a', state: 'TX', zip: '75001', propertyType: 'SFR' },
      { propertyId: 'P2', address: 'a', state: 'TX', zip: '75001', propertyType: 'SFR' },
    ]);
  });

  it('reads quoted separators, doubled quotes and line breaks in addresses; a line break becomes a space', async () => {
    const result = await readCsv(
      csv(
        HEADER,
        'P1,"12 Oak St, Apt ""B""",TX,75001,SFR',
        'P2,"12 Oak St\nUnit 4",TX,75001,SFR',
        'P3,"Suite 9,\r\n  Rear",TX,75001,SFR',
      ),
    );
    expect(propertiesOf(result).map((p) => p.address)).toStrictEqual([
      '12 Oak St, Apt "B"',
      '12 Oak St Unit 4',
      'Suite 9, Rear',
    ]);
    expect(warningCounts(result)['LINE_BREAK_IN_TEXT address']).toBe(2);
  });

  it('reads a quote inside an unquoted cell as a character', async () => {
    expect(propertiesOf(await readCsv(csv(HEADER, 'P1,12 Oak St Unit 4 "Rear",TX,75001,SFR')))[0]?.address).toBe(
      '12 Oak St Unit 4 "Rear"',
    );
  });

  it('trims cells and headers, and skips blank and all-empty rows', async () => {
    const text = csv(
      ' propertyId , address,state,zip,propertyType,livingAreaSqft',
      '',
      ' P1 , a ,TX, 75001 ,SFR, 1200 ',
      ',,,,,',
      '  ,,, ,,',
    );
    expect(propertiesOf(await readCsv(text))).toStrictEqual([
      { propertyId: 'P1', address: 'a', state: 'TX', zip: '75001', propertyType: 'SFR', livingAreaSqft: 1200 },
    ]);
  });

  it.each(['1000', '1000.', '1000.50', '+1000', '.5', '0', '1e3', '1.5E+3'])('accepts the number %s', async (cell) => {
    const [property] = propertiesOf(await readCsv(csv(`${HEADER},loan.balance`, `P1,a,TX,75001,SFR,${cell}`)));
    expect(property?.loan?.balance).toBe(Number(cell));
  });

  it.each([
    ['"$1,234,567.00"', 1_234_567, 'MONEY_FORMAT'],
    ['$450000', 450_000, 'MONEY_FORMAT'],
    ['"$ 450,000"', 450_000, 'MONEY_FORMAT'],
    ['"1,000"', 1000, 'MONEY_FORMAT'],
    ['"12,345,678.9"', 12_345_678.9, 'MONEY_FORMAT'],
  ])('reads the amount %s as %d, counted as %s', async (cell, amount, code) => {
    const result = await readCsv(csv(`${HEADER},loan.balance`, `P1,a,TX,75001,SFR,${cell}`));
    expect(propertiesOf(result)[0]?.loan?.balance).toBe(amount);
    expect(warningCounts(result)[`${code} loan.balance`]).toBe(1);
  });

  it('reads thousands separators in other numbers, but a $ only in amounts', async () => {
    const ok = await readCsv(csv(`${HEADER},livingAreaSqft`, 'P1,a,TX,75001,SFR,"1,850"'));
    expect(propertiesOf(ok)[0]?.livingAreaSqft).toBe(1850);
    expect(warningCounts(ok)['THOUSANDS_SEPARATOR livingAreaSqft']).toBe(1);
    expect(await lines(csv(`${HEADER},livingAreaSqft`, 'P1,a,TX,75001,SFR,$1850'))).toStrictEqual([
      "row 2, column livingAreaSqft: '$1850' is an amount of money, not a number: write the number alone",
    ]);
  });
});

describe('errors by row and column', () => {
  it.each(['12abc', '0x10', 'Infinity', '1 000', '--1', '"1,00"', '"1,0000"', '$-'])(
    'a number column rejects %s, once, with the fix',
    async (cell) => {
      const errors = errorsOf(
        await readCsv(csv(`${HEADER},loan.balance`, 'P1,a,TX,75001,SFR,1', `P2,b,TX,75001,SFR,${cell}`)),
      );
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ row: 3, column: 'loan.balance', field: 'loan.balance', code: 'NOT_A_NUMBER' });
      expect(errors[0]?.fix).toBe('write 1234567.00 (a $ and thousands separators are read too)');
    },
  );

  it('reports a schema rejection at its row and column: negative balance', async () => {
    const failure = failureOf(
      await readCsv(csv(`${HEADER},loan.balance`, 'P1,a,TX,75001,SFR,100', 'P2,b,TX,75001,SFR,-5')),
    );
    expect(failure.errors).toStrictEqual([
      {
        path: 'row 3, column loan.balance',
        row: 3,
        column: 'loan.balance',
        field: 'loan.balance',
        code: 'INVALID_VALUE',
        message: 'must be >= 0: write the amount in dollars without a minus sign (0 for none)',
        fix: 'write the amount in dollars without a minus sign (0 for none)',
      },
    ]);
    expect(failure.totalErrors).toBe(1);
    expect(describeIntakeErrors(failure.errors)).toBe(
      'row 3, column loan.balance: must be >= 0: write the amount in dollars without a minus sign (0 for none)',
    );
  });

  it('names the column as the file does, and the field it holds', async () => {
    const [error] = errorsOf(
      await readCsv(csv('Property ID,Street Address,ST,Zip Code,Property Type,UPB', 'P1,a,TX,75001,SFR,-5')),
    );
    expect(error).toMatchObject({ path: 'row 2, column UPB', column: 'UPB', field: 'loan.balance' });
  });

  it('reports a missing required value, and a placeholder in a required column, as required', async () => {
    expect(await lines(csv(HEADER, 'P1,a,,75001,SFR', 'P2,a,N/A,75001,SFR'))).toStrictEqual([
      'row 2, column state: is required: fill it in',
      'row 3, column state: is required: fill it in',
    ]);
  });

  it('reports a date in the future, and an integer field given a fraction', async () => {
    expect(
      await lines(
        csv(`${HEADER},yearBuilt,sales[0].date,sales[0].price`, 'P1,a,TX,75001,SFR,1990.5,2026-11-25,100000'),
      ),
    ).toStrictEqual([
      'row 2, column yearBuilt: must be an integer',
      'row 2, column sales[0].date: must not be in the future (after 2026-11-24)',
    ]);
  });

  it('reports a duplicate propertyId at the second row, naming the first', async () => {
    expect(await lines(csv(HEADER, 'P1,a,TX,75001,SFR', 'P2,b,TX,75001,SFR', 'P1,c,TX,75001,SFR'))).toStrictEqual([
      "row 4, column propertyId: duplicate propertyId 'P1' (first at row 2): give each property its own propertyId, or remove the repeated row",
    ]);
  });

  it('reads missing trailing cells as empty, and refuses cells beyond the header that hold values', async () => {
    expect(await lines(csv(HEADER, 'P1,a,TX,75001', 'P2,b,TX,75001,SFR', 'P3,c,TX,75001,SFR,extra'))).toStrictEqual([
      'row 2, column propertyType: is required: fill it in',
      'row 4: has 6 cells, the header has 5 columns: a value holds the separator without quotes: quote values that contain the separator',
    ]);
  });

  it.each([
    ['loan.balance', '"$1","234","567"', 'write 1234567'],
    ['loan.balance', '1,234', 'write 1234'],
  ])('names the column an unquoted amount overflowed: %s = %s', async (column, cells, fix) => {
    const [error] = errorsOf(await readCsv(csv(`${HEADER},${column},city`, `P1,a,TX,75001,SFR,${cells},Austin`)));
    expect(error?.code).toBe('TOO_MANY_CELLS');
    expect(error?.message).toContain(`column ${column} most likely overflowed`);
    expect(error?.fix).toContain(fix);
  });

  it('refuses a value under a column without a header', async () => {
    expect(await lines(csv(`${HEADER},`, 'P1,a,TX,75001,SFR,', 'P2,a,TX,75001,SFR,oops'))).toStrictEqual([
      "row 3: column 6 has no header but holds 'oops': name the column in row 1, or delete the value",
    ]);
  });

  it('reports a list item left empty before a filled one', async () => {
    const header = `${HEADER},sales[0].date,sales[0].price,sales[1].date,sales[1].price`;
    expect(await lines(csv(header, 'P1,a,TX,75001,SFR,,,2020-01-01,100000'))).toStrictEqual([
      'row 2, column sales[0].date: is empty while sales[1] is filled: fill lists from [0] without gaps',
    ]);
  });

  it('counts rows by file line: across blank lines, CRLF, lone CR, quoted line breaks, after a BOM', async () => {
    const text = `\uFEFF${HEADER},loan.balance\r\nP1,"1 Main St\r\nRear\r\nGarage",TX,75001,SFR,1\r\n\r\n\r\nP2,b,TX,75001,SFR,-1\r\n,,,,,\r\nP3,"x\ny",TX,75001,SFR,-2\rP4,z,TX,75001,SFR,-3`;
    expect(errorsOf(await readCsv(text)).map((e) => e.row)).toStrictEqual([7, 9, 11]);
  });

  it('counts rows by line when non-ASCII text precedes them', async () => {
    const text = csv(
      `${HEADER},city`,
      'P1,1 Rue Café,PR,00901,SFR,San Juan – Viejo',
      'P2,b,PR,00901,SFR,Bayamón',
      'P3,c,PR,1,SFR,',
    );
    expect(errorsOf(await readCsv(text)).map((e) => [e.row, e.column])).toStrictEqual([[4, 'zip']]);
  });

  it('sorts errors by row, then by column left to right, whole-row errors first', async () => {
    const header = `${HEADER},loan.balance,sales[0].date,sales[0].price`;
    const errors = errorsOf(
      await readCsv(
        csv(header, 'P1,a,XX,75001,SFR,x,2030-01-01,0', 'P1,a,TX,75001,SFR,1,,', 'P2,a,TX,75001,SFR,1,,,x'),
      ),
    );
    expect(errors.map((e) => [e.row, e.column ?? '', e.code])).toStrictEqual([
      [2, 'state', 'INVALID_STATE'],
      [2, 'loan.balance', 'NOT_A_NUMBER'],
      [2, 'sales[0].date', 'INVALID_VALUE'],
      [2, 'sales[0].price', 'INVALID_VALUE'],
      [3, 'propertyId', 'DUPLICATE_PROPERTY_ID'],
      [4, '', 'TOO_MANY_CELLS'],
    ]);
  });

  it('refuses control characters in text, C1 ones (U+0085) included, and the replacement character', async () => {
    const errors = errorsOf(
      await readCsv(
        csv(
          `${HEADER},city`,
          'P1,a\u0085b,TX,75001,SFR,',
          'P2,a,TX,75001,SFR,x\u0007y',
          'P3,Pe\uFFFDasco,TX,75001,SFR,',
        ),
      ),
    );
    expect(errors.map((e) => [e.row, e.column, e.message.split(':')[0]])).toStrictEqual([
      [2, 'address', 'must not contain control characters (U+0000-U+001F, U+007F-U+009F)'],
      [3, 'city', 'must not contain control characters (U+0000-U+001F, U+007F-U+009F)'],
      [4, 'address', "must not contain '\uFFFD' (a character lost to a wrong encoding upstream)"],
    ]);
  });

  it('caps the reported errors and says how many more there are', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `P${i},a,TX,bad,SFR`);
    const failure = failureOf(await readCsv(csv(HEADER, ...rows)));
    expect(failure.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(failure.totalErrors).toBe(150);
    expect(failure.errors.at(-1)).toMatchObject({ row: 101, column: 'zip', code: 'INVALID_ZIP' });
    expect(describeIntakeErrors(failure.errors, failure.totalErrors).split('\n').at(-1)).toBe('... and 50 more');
    const capped = failureOf(await readCsv(csv(HEADER, ...rows), { maxReportedErrors: 3 }));
    expect(capped.totalErrors).toBe(150);
    expect(capped.errors.map((e) => e.row)).toStrictEqual([2, 3, 4]);
  });

  it('refuses more data rows than maxRows, at the first row too many', async () => {
    const text = csv(HEADER, 'P1,a,TX,75001,SFR', ',,,,', 'P2,a,TX,75001,SFR', 'P3,a,TX,75001,SFR');
    expect(errorsOf(await readCsv(text, { maxRows: 2 }))).toStrictEqual([
      {
        path: 'row 5',
        row: 5,
        code: 'TOO_MANY_ROWS',
        message: 'too many rows: at most 2 properties per request; split the file',
        fix: 'split the file',
      },
    ]);
    expect(propertiesOf(await readCsv(text, { maxRows: 3 }))).toHaveLength(3);
  });

  it('reports an empty file, a header without rows, and broken quoting', async () => {
    expect(errorsOf(await readCsv('')).map((e) => e.code)).toStrictEqual(['EMPTY_FILE']);
    expect(errorsOf(await readCsv(csv(HEADER, '', ',,,,'))).map((e) => e.code)).toStrictEqual(['NO_ROWS']);
    const [quoteError] = errorsOf(await readCsv(csv(HEADER, 'P1,a,TX,75001,SFR', 'P2,"b,TX,75001,SFR')));
    expect(quoteError?.code).toBe('CSV_SYNTAX');
    expect(quoteError?.row).toBeGreaterThanOrEqual(3);
    expect(quoteError?.message).toMatch(/quote/i);
  });
});

describe('totals rows', () => {
  it('skips a labelled totals row with a warning', async () => {
    const result = await readCsv(
      csv(`${HEADER},loan.balance`, 'P1,a,TX,75001,SFR,100', 'Total,,,,,100', ',Grand Total,,,,100'),
    );
    expect(propertiesOf(result)).toHaveLength(1);
    expect(warningCounts(result).TOTALS_ROW_SKIPPED).toBe(2);
  });

  it('refuses a row of amounts without a propertyId or an address as one error', async () => {
    expect(
      await lines(csv(`${HEADER},loan.balance,lastAppraisedValue`, 'P1,a,TX,75001,SFR,100,200', ',,,,,100,200')),
    ).toStrictEqual(['row 3: looks like a totals row (amounts without a propertyId or an address): delete the row']);
  });
});

describe('separators, decimal commas and encodings', () => {
  const rows = [
    ['propertyId', 'address', 'state', 'zip', 'propertyType', 'loan.balance'],
    ['P1', '1 Main St, Rear', 'TX', '75001', 'SFR', '1250.5'],
  ];
  it.each([',', ';', '|', '\t'])('detects %j from the header line', async (separator) => {
    const quote = (cell: string) => (cell.includes(separator) || cell.includes(',') ? `"${cell}"` : cell);
    const text = rows.map((r) => r.map(quote).join(separator)).join('\n');
    const result = await readCsv(separator === ';' ? text.replace('1250.5', '1250,5') : text);
    expect(propertiesOf(result)[0]).toMatchObject({ address: '1 Main St, Rear', loan: { balance: 1250.5 } });
    if (!result.ok) return;
    expect(result.dataQuality.format.separator).toBe(separator);
  });

  it('with ;, reads 1.234.567,89 and a plain decimal point, and refuses what is ambiguous', async () => {
    const header = 'propertyId;address;state;zip;propertyType;loan.balance;latitude';
    const ok = await readCsv(csv(header, 'P1;a;TX;75001;SFR;1.234.567,89;30.25', 'P2;a;TX;75001;SFR;450000;30,5'));
    expect(propertiesOf(ok).map((p) => [p.loan?.balance, p.latitude])).toStrictEqual([
      [1_234_567.89, 30.25],
      [450_000, 30.5],
    ]);
    expect(await lines(csv(header, 'P1;a;TX;75001;SFR;450,000;', 'P2;a;TX;75001;SFR;1.234;'))).toStrictEqual([
      "row 2, column loan.balance: '450,000' is ambiguous in a ';'-separated file: a decimal comma or a thousands separator?: write 450000 or 450.000 without a separator",
      "row 3, column loan.balance: '1.234' is ambiguous in a ';'-separated file: a decimal point or a thousands separator?: write 1234 or 1,234",
    ]);
  });

  it('with ;, reads an unambiguous M/D/YYYY and refuses 03/04/2024', async () => {
    const header = 'propertyId;address;state;zip;propertyType;lastAppraisalDate';
    expect(propertiesOf(await readCsv(csv(header, 'P1;a;TX;75001;SFR;3/15/2024')))[0]?.lastAppraisalDate).toBe(
      '2024-03-15',
    );
    expect((await lines(csv(header, 'P1;a;TX;75001;SFR;03/04/2024')))[0]).toContain(
      '2024-03-04 (M/D) or 2024-04-03 (D/M)?',
    );
  });

  const accented = 'propertyId,address,state,zip,propertyType,city\nP1,1234 Calle Peñasco,NM,87532,SFR,Española\n';
  it.each([
    ['UTF-8', new TextEncoder().encode(accented), undefined, 'utf-8'],
    ['UTF-8 with BOM', new TextEncoder().encode(`\uFEFF${accented}`), undefined, 'utf-8'],
    ['UTF-16LE with BOM', iconv.encode(accented, 'utf-16le', { addBOM: true }), undefined, 'utf-16le'],
    ['UTF-16BE with BOM', iconv.encode(accented, 'utf-16be', { addBOM: true }), undefined, 'utf-16be'],
    ['Windows-1252, detected', iconv.encode(accented, 'windows-1252'), undefined, 'windows-1252'],
    ['Windows-1252, declared', iconv.encode(accented, 'windows-1252'), 'windows-1252', 'windows-1252'],
    ['ISO-8859-1, declared', iconv.encode(accented, 'latin1'), 'ISO-8859-1', 'windows-1252'],
  ])('decodes %s', async (_name, bytes, charset, encoding) => {
    const result = await readCsv(bytes, { ...(charset !== undefined && { charset }) });
    expect(propertiesOf(result)[0]).toMatchObject({ address: '1234 Calle Peñasco', city: 'Española' });
    if (result.ok) expect(result.dataQuality.format.encoding).toBe(encoding);
  });

  it('refuses UTF-16 without a byte-order mark as one error', async () => {
    expect(errorsOf(await readCsv(iconv.encode(accented, 'utf-16le'))).map((e) => e.code)).toStrictEqual([
      'UTF16_WITHOUT_BOM',
    ]);
  });

  it('refuses a charset it cannot read', async () => {
    expect(errorsOf(await readCsv(accented, { charset: 'x-klingon' })).map((e) => e.code)).toStrictEqual([
      'UNSUPPORTED_CHARSET',
    ]);
  });
});

describe('invalidRows=skip', () => {
  it('analyses the valid rows and lists each skipped row with every reason', async () => {
    const text = csv(
      `${HEADER},loan.balance`,
      'P1,a,TX,75001,SFR,1',
      'P2,b,XX,2134,SFR,-1',
      'P1,c,TX,75001,SFR,1',
      'P3,d,TX,75001,SFR,1',
    );
    const result = await readCsv(text, { invalidRows: 'skip' });
    expect(propertiesOf(result).map((p) => p.propertyId)).toStrictEqual(['P1', 'P3']);
    if (!result.ok) return;
    expect(result.dataQuality).toMatchObject({ invalidRows: 'skip', rows: 4, accepted: 2, skipped: 2 });
    expect(
      result.dataQuality.skippedRows.map((s) => [s.at, s.propertyId, s.reasons.map((r) => `${r.column}: ${r.code}`)]),
    ).toStrictEqual([
      ['row 3', 'P2', ['state: INVALID_STATE', 'zip: LEADING_ZERO_LOST', 'loan.balance: INVALID_VALUE']],
      ['row 4', 'P1', ['propertyId: DUPLICATE_PROPERTY_ID']],
    ]);
  });

  it('lists the first 100 skipped rows and counts them all', async () => {
    const rows = Array.from({ length: 130 }, (_, i) => `P${i},a,TX,${i % 2 === 0 ? 'bad' : '75001'},SFR`);
    const result = await readCsv(csv(HEADER, ...rows), { invalidRows: 'skip' });
    if (!result.ok) throw new Error('expected the valid half');
    expect(result.properties).toHaveLength(65);
    expect(result.dataQuality.skipped).toBe(65);
    expect(result.dataQuality.skippedRows).toHaveLength(65);
    const many = await readCsv(
      csv(HEADER, ...Array.from({ length: 150 }, (_, i) => `P${i},a,TX,bad,SFR`), 'OK,a,TX,75001,SFR'),
      { invalidRows: 'skip' },
    );
    if (!many.ok) throw new Error('expected the one valid row');
    expect([many.dataQuality.skipped, many.dataQuality.skippedRows.length]).toStrictEqual([150, 100]);
  });

  it('still refuses a file with no valid row, with the rows’ errors', async () => {
    const failure = failureOf(await readCsv(csv(HEADER, 'P1,a,TX,bad,SFR'), { invalidRows: 'skip' }));
    expect(failure.errors.map((e) => e.code)).toStrictEqual(['INVALID_ZIP']);
    expect(failure.dataQuality?.skipped).toBe(1);
  });

  it('never skips past a whole-file problem', async () => {
    expect(errorsOf(await readCsv(csv('a,b,c', '1,2,3'), { invalidRows: 'skip' })).map((e) => e.code)).toStrictEqual([
      'NOT_A_PROPERTY_HEADER',
    ]);
  });
});
