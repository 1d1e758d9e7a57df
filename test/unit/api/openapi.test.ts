// The OpenAPI document describes what the intake reads and answers: the bodies, the tape parameters, the
// data-quality account, the machine-readable errors and the 415.
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../src/api/openapi.ts';
import { WARNING_CODES } from '../../../src/domain/data-quality.ts';
import { HEADER_SYNONYMS } from '../../../src/intake/vocabulary.ts';

const doc = openApiDocument('http://localhost/api');
/** The value at `path` in the document (array items by index), undefined when absent. */
function at(...path: (string | number)[]): unknown {
  let value: unknown = doc;
  for (const key of path) value = (value as Record<string | number, unknown> | undefined)?.[key];
  return value;
}
const keysAt = (...path: (string | number)[]) => Object.keys(at(...path) ?? {});

describe('OpenAPI: answers as the API gives them', () => {
  it('lists the real warning codes, and declares a result with its unit and without storage keys', () => {
    const code = at('components', 'schemas', 'DataQuality', 'properties', 'warnings', 'items', 'properties', 'code');
    expect(code).toMatchObject({ type: 'string', enum: [...WARNING_CODES] });
    expect(WARNING_CODES).toEqual(
      expect.arrayContaining(['COUNTY_FIPS_IN_COUNTY', 'COUNTY_CITY_AMBIGUOUS', 'ZIP4_DASH']),
    );
    const result = keysAt('components', 'schemas', 'PropertyResult', 'properties');
    expect(result).toEqual(expect.arrayContaining(['address', 'unit']));
    expect(result).not.toEqual(expect.arrayContaining(['id']));
    expect(at('components', 'schemas', 'PropertyResult', 'additionalProperties')).toBe(false);
  });
});

describe('OpenAPI: input', () => {
  it.each(['/portfolio/analyze', '/portfolio/estimate'])(
    '%s reads JSON, CSV and Excel, with the tape parameters',
    (path) => {
      expect(keysAt('paths', path, 'post', 'requestBody', 'content')).toStrictEqual([
        'application/json',
        'text/csv',
        'text/tab-separated-values',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'text/plain',
        'application/vnd.ms-excel',
        'application/octet-stream',
      ]);
      const parameters = at('paths', path, 'post', 'parameters') as { in: string; name: string }[];
      expect(parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
        expect.arrayContaining(['invalidRows', 'unknownColumns', 'sheet', 'columnMap']),
      );
      expect(keysAt('paths', path, 'post', 'responses')).toEqual(expect.arrayContaining(['400', '415']));
    },
  );

  it('describes the new fields and types, the data-quality account and skipped rows', () => {
    const property = ['components', 'schemas', 'AnalyzeRequest', 'properties', 'properties', 'items', 'properties'];
    expect(keysAt(...property)).toEqual(expect.arrayContaining(['unit', 'countyFips']));
    expect(at(...property, 'propertyType', 'enum')).toEqual(expect.arrayContaining(['PUD', 'COOP', 'MANUFACTURED']));
    expect(at(...property, 'lastAppraisalDate', 'format')).toBe('date');
    expect(at('components', 'schemas', 'AnalyzeRequest', 'properties', 'invalidRows', 'enum')).toStrictEqual([
      'reject',
      'skip',
    ]);
    const quality = ['components', 'schemas', 'DataQuality', 'properties'];
    expect(keysAt(...quality)).toStrictEqual([
      'format',
      'invalidRows',
      'rows',
      'accepted',
      'skipped',
      'skippedRows',
      'warnings',
    ]);
    expect(keysAt(...quality, 'skippedRows', 'items', 'properties')).toStrictEqual([
      'at',
      'row',
      'propertyId',
      'reasons',
    ]);
    expect(keysAt(...quality, 'warnings', 'items', 'properties')).toStrictEqual([
      'code',
      'field',
      'count',
      'message',
      'fix',
      'examples',
    ]);
    const ref = { $ref: '#/components/schemas/DataQuality' };
    const accepted = [
      'paths',
      '/portfolio/analyze',
      'post',
      'responses',
      '202',
      'content',
      'application/json',
      'schema',
    ];
    expect(at(...accepted, 'properties', 'dataQuality')).toStrictEqual(ref);
    expect(at('components', 'schemas', 'Job', 'properties', 'dataQuality')).toStrictEqual(ref);
    expect(at('paths', '/portfolio/analyze', 'post', 'x-column-synonyms')).toStrictEqual(HEADER_SYNONYMS);
  });

  it('describes errors a program can act on', () => {
    expect(keysAt('components', 'schemas', 'Error', 'properties', 'errors', 'items', 'properties')).toStrictEqual([
      'path',
      'message',
      'code',
      'fix',
      'row',
      'column',
      'field',
    ]);
  });
});
