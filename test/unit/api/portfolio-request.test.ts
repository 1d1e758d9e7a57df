// Requests to /analyze and /estimate as the triggers read them: which reader a body goes to, JSON bodies
// read by the tape rules, and the 400 and 415 answers.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { bodyFormat } from '../../../src/api/body-format.ts';
import { acceptedRequest, readRequest, warningCounts } from '../intake/tapes.ts';

const CSV = 'propertyId,address,state,zip,propertyType\nP1,1 Main St,TX,75001,SFR\n';
const QUERY = '?portfolioId=book&analysisType=risk';
const property = { propertyId: 'P1', address: '1 Main St', state: 'TX', zip: '75001', propertyType: 'SFR' };
const body = (properties: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ portfolioId: 'book', analysisType: 'risk', properties, ...extra });

describe('bodyFormat: the reader for a Content-Type and a body', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]);
  const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]);
  it.each([
    ['application/json', '{}', 'json'],
    ['application/json; charset=utf-8', '[]', 'json'],
    ['text/csv', CSV, 'csv'],
    ['text/csv; charset=windows-1252', CSV, 'csv'],
    ['text/tab-separated-values', CSV, 'csv'],
    ['TEXT/PLAIN', CSV, 'csv'],
    ['text/plain', ' {"a":1}', 'json'],
    ['application/vnd.ms-excel', CSV, 'csv'],
    ['application/octet-stream', '\uFEFF[{}]', 'json'],
    ['application/x-www-form-urlencoded', CSV, 'csv'],
    [null, CSV, 'csv'],
  ])('%s with %j reads as %s', (type, text, kind) => {
    expect(bodyFormat(type, bytes(text))).toMatchObject({ ok: true, value: { kind } });
  });

  it('takes a workbook for a workbook whatever the header says, and keeps the declared charset', () => {
    for (const type of ['application/octet-stream', 'text/csv', 'application/vnd.ms-excel', null])
      expect(bodyFormat(type, zip)).toMatchObject({ ok: true, value: { kind: 'xlsx' } });
    expect(bodyFormat('text/csv; charset="Windows-1252"', bytes(CSV))).toStrictEqual({
      ok: true,
      value: { kind: 'csv', charset: 'Windows-1252' },
    });
  });

  it.each([
    ['multipart/form-data; boundary=x', bytes(CSV)],
    ['application/xml', bytes('<a/>')],
    ['image/png', bytes(CSV)],
    ['application/vnd.ms-excel', xls],
  ])('refuses %s with 415 naming the types read', (type, content) => {
    const format = bodyFormat(type, content);
    expect(format.ok).toBe(false);
    if (!format.ok) {
      expect(format.status).toBe(415);
      expect(format.message).toContain('application/json, text/csv, text/tab-separated-values');
    }
  });
});

describe('JSON bodies', () => {
  it('ignore a byte-order mark, UTF-8 or UTF-16', async () => {
    for (const bytes of [
      new TextEncoder().encode(`\uFEFF${body([property])}`),
      iconv.encode(body([property]), 'utf-16le', { addBOM: true }),
    ])
      expect((await acceptedRequest(bytes, 'application/json')).request.properties).toStrictEqual([property]);
  });

  it('read null as absent for optional fields and refuse it for required ones', async () => {
    const nulls = { ...property, city: null, county: null, loan: null, units: null, lastAppraisalDate: null };
    expect((await acceptedRequest(body([nulls]), 'application/json')).request.properties).toStrictEqual([property]);
    const read = await readRequest(body([{ ...property, zip: null }]), 'application/json');
    expect(!read.ok && read.body.errors).toStrictEqual([
      {
        path: 'properties[0].zip',
        field: 'zip',
        code: 'REQUIRED',
        message: 'is required: fill it in',
        fix: 'fill it in',
      },
    ]);
  });

  it('read numbers written as text, and name unknown fields with the field meant', async () => {
    const read = await acceptedRequest(
      body([{ ...property, units: '2', loan: { balance: '$1,000' } }]),
      'application/json',
    );
    expect(read.request.properties[0]).toMatchObject({ units: 2, loan: { balance: 1000 } });
    expect(warningCounts(read)).toMatchObject({ 'NUMBER_AS_TEXT units': 1, 'MONEY_FORMAT loan.balance': 1 });
    const unknown = await readRequest(body([{ ...property, adress: 'x', loan: { balanse: 1 } }]), 'application/json');
    expect(
      !unknown.ok && (unknown.body.errors as { path: string; message: string }[]).map((e) => `${e.path}: ${e.message}`),
    ).toStrictEqual([
      'properties[0].loan.balance: is required: fill it in',
      `properties[0].loan: unknown field 'balanse' (did you mean balance?): remove or rename it (README "Input" lists the fields)`,
      `properties[0]: unknown field 'adress' (did you mean address?): remove or rename it (README "Input" lists the fields)`,
    ]);
  });

  it('name a duplicate propertyId by JSON path, and skip invalid properties on request', async () => {
    const duplicate = await readRequest(body([property, property]), 'application/json');
    expect(!duplicate.ok && (duplicate.body.errors as { path: string }[]).map((e) => e.path)).toStrictEqual([
      'properties[1].propertyId',
    ]);
    const skip = await acceptedRequest(
      body([property, { ...property, propertyId: 'P2', state: 'MA', zip: 2134 }], { invalidRows: 'skip' }),
      'application/json',
    );
    expect(skip.request.properties).toStrictEqual([property]);
    expect(skip.dataQuality.skippedRows).toStrictEqual([
      {
        at: 'properties[1]',
        propertyId: 'P2',
        reasons: [
          {
            path: 'properties[1].zip',
            field: 'zip',
            code: 'NUMBER_FOR_TEXT',
            message:
              'is the number 2134: a ZIP given as a number loses its leading zeros: write it as a string like "02134"',
            fix: 'write it as a string like "02134"',
          },
        ],
      },
    ]);
  });

  it('say when a CSV was sent as JSON', async () => {
    const read = await readRequest(CSV, 'application/json', QUERY);
    expect(!read.ok && read.body.error).toMatch(/looks like CSV: send it with Content-Type: text\/csv/);
  });

  it('validate the request fields first', async () => {
    const read = await readRequest(JSON.stringify({ analysisType: 'everything', properties: [] }), 'application/json');
    expect(!read.ok && (read.body.errors as { path: string }[]).map((e) => e.path)).toStrictEqual([
      'portfolioId',
      'analysisType',
      'properties',
    ]);
  });
});

describe('tape bodies', () => {
  it('take the request fields and how to read the file from the query', async () => {
    const read = await acceptedRequest(CSV, 'text/csv', `${QUERY}&budget=10.50&allowPartial=true&invalidRows=skip`);
    expect(read.request).toStrictEqual({
      portfolioId: 'book',
      analysisType: 'risk',
      priority: 'standard',
      budget: 10.5,
      allowPartial: true,
      invalidRows: 'skip',
      properties: [property],
    });
  });

  it('take a column map as JSON in the query', async () => {
    const tape = 'LOAN_ID,Addr,ST,Zip,Type,Notes\nL1,1 Main St,TX,75001,SFR,n\n';
    const map = encodeURIComponent(JSON.stringify({ LOAN_ID: 'propertyId', Addr: 'address', Notes: null }));
    const read = await acceptedRequest(tape, 'text/csv', `${QUERY}&columnMap=${map}`);
    expect(read.request.properties).toStrictEqual([{ ...property, propertyId: 'L1' }]);
    const bad = await readRequest(tape, 'text/csv', `${QUERY}&columnMap={oops`);
    expect(!bad.ok && bad.body.errors).toStrictEqual([
      { path: 'query.columnMap', message: 'must be JSON, e.g. {"Cur UPB":"loan.balance","Notes":null}' },
    ]);
  });

  it('answer 400 with the row errors and the data-quality account so far', async () => {
    const read = await readRequest(`${CSV}P2,2 Main St,tx,bad,SFR\n`, 'text/csv', QUERY);
    expect(!read.ok && read.status).toBe(400);
    if (read.ok) return;
    expect(read.body.totalErrors).toBe(1);
    expect(read.body.dataQuality).toMatchObject({ rows: 2, warnings: [{ code: 'STATE_CODE' }] });
  });

  it('answer 415 for a type not read, and 400 for an empty body', async () => {
    const unsupported = await readRequest(CSV, 'multipart/form-data; boundary=x', QUERY);
    expect(!unsupported.ok && unsupported.status).toBe(415);
    const empty = await readRequest('', 'text/csv', QUERY);
    expect(!empty.ok && [empty.status, empty.body.error]).toStrictEqual([
      400,
      'The request body is empty: send JSON, CSV or an Excel workbook.',
    ]);
  });
});

describe('JSON bodies read as a stream (issue 16.3)', () => {
  const second = { ...property, propertyId: 'P2', address: '2 Main St' };

  it('read the fields wherever they stand: invalidRows after the properties still applies to them', async () => {
    const text = `{"properties":[${JSON.stringify(property)},{"propertyId":"P9"},${JSON.stringify(second)}],
      "portfolioId":"book","analysisType":"risk","invalidRows":"skip"}`;
    const read = await acceptedRequest(text, 'application/json');
    expect(read.request).toMatchObject({ portfolioId: 'book', invalidRows: 'skip' });
    expect(read.request.properties.map((p) => p.propertyId)).toEqual(['P1', 'P2']);
    expect(read.dataQuality).toMatchObject({ rows: 3, accepted: 2, skipped: 1 });
  });

  it('keep the last of a repeated field, as JSON.parse does', async () => {
    const text = `{"portfolioId":"first","analysisType":"risk","portfolioId":"book","properties":[${JSON.stringify(property)}]}`;
    expect((await acceptedRequest(text, 'application/json')).request.portfolioId).toBe('book');
  });

  it.each([
    ['properties that are not an array', body([]).replace('"properties":[]', '"properties":"P1"'), 'properties'],
    ['no properties', JSON.stringify({ portfolioId: 'book', analysisType: 'risk' }), 'properties'],
    ['an empty list', body([]), 'properties'],
    ['a top-level array', `[${JSON.stringify(property)}]`, ''],
    ['two properties lists', body([property]).replace('{', `{"properties":[${JSON.stringify(second)}],`), 'properties'],
  ])('refuse %s with a field error', async (_, text, path) => {
    const read = await readRequest(text, 'application/json');
    expect(read).toMatchObject({ ok: false, status: 400 });
    if (!read.ok) expect((read.body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
  });

  it('say what JSON.parse says of a syntax error (with the position where it gives one)', async () => {
    const text = '{"portfolioId":"book",\n"analysisType": risk}';
    const exact = (() => {
      try {
        return JSON.parse(text) as never;
      } catch (error) {
        return (error as Error).message;
      }
    })();
    const read = await readRequest(text, 'application/json');
    expect(read).toMatchObject({ ok: false, status: 400 });
    if (!read.ok) expect(read.body.error).toBe(`The request body is not valid JSON: ${exact}`);
  });

  it('refuse a request that sends properties and names an uploaded tape', async () => {
    const read = await readRequest(body([property], { propertiesBlob: 'books/q4.csv' }), 'application/json');
    expect(read).toMatchObject({ ok: false, status: 400 });
    if (!read.ok) expect(read.body.errors).toEqual([expect.objectContaining({ path: 'properties' })]);
  });

  it('refuse a tape name that no blob has, naming the container and the fix', async () => {
    const read = await readRequest(
      JSON.stringify({ portfolioId: 'book', analysisType: 'risk', propertiesBlob: 'books/none.csv' }),
      'application/json',
    );
    expect(read).toMatchObject({ ok: false, status: 400 });
    if (!read.ok)
      expect(read.body.errors).toEqual([
        {
          path: 'propertiesBlob',
          message: expect.stringMatching(
            /^no blob 'books\/none\.csv' in the uploads container 'portfolio-uploads': upload/,
          ) as unknown,
        },
      ]);
  });
});
