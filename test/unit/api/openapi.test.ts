// The generated OpenAPI document: every component is a schema Ajv compiles, every operation has an id and
// lists its answers, and the answers built by the API's own helpers pass it (the integration suite checks
// every answer the running app gives; this is the fast, local half). It also describes what the intake reads
// and answers: the bodies, the tape parameters, the data-quality account, the machine-readable errors and 415.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../src/api/openapi.ts';
import { badRequest, notFound, payloadTooLarge, validationFailed } from '../../../src/api/responses.ts';
import { WARNING_CODES } from '../../../src/domain/data-quality.ts';
import { initialProgress } from '../../../src/domain/job-progress.ts';
import { jobView } from '../../../src/jobs/job-view.ts';
import { HEADER_SYNONYMS } from '../../../src/intake/vocabulary.ts';
import { answersAgainstDocument, type RecordedAnswer } from '../../openapi-answers.ts';

const document = openApiDocument('http://localhost/api');
const components = (document.components as { schemas: Record<string, object> }).schemas;
const operations = Object.values(document.paths as Record<string, Record<string, { operationId?: string }>>).flatMap(
  (item) => Object.values(item),
);

/** The value at `path` in the document (array items by index), undefined when absent. */
function at(...path: (string | number)[]): unknown {
  let value: unknown = document;
  for (const key of path) value = (value as Record<string | number, unknown> | undefined)?.[key];
  return value;
}
const keysAt = (...path: (string | number)[]) => Object.keys(at(...path) ?? {});

const answer = (operationId: string, status: number, body: unknown): RecordedAnswer => ({
  operationId,
  method: 'GET',
  url: 'http://localhost/api/x',
  status,
  contentType: 'application/json',
  body,
});

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

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 whose every component schema compiles as JSON Schema 2020-12', () => {
    expect(document.openapi).toBe('3.1.0');
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'https://portfolio-analytics.invalid/openapi.json', components: document.components });
    for (const name of Object.keys(components))
      expect(ajv.getSchema(`https://portfolio-analytics.invalid/openapi.json#/components/schemas/${name}`)).toBeTypeOf(
        'function',
      );
  });

  it('names every operation, once', () => {
    const ids = operations.map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('accepts the refusals the API builds, and a job view', () => {
    const job = jobView(
      {
        id: 'job-1',
        portfolioId: 'PF-1',
        analysisType: 'risk',
        status: 'processing',
        totalProperties: 10,
        estimatedCost: 0.1,
        createdAt: '2026-11-24T10:00:00.000Z',
      },
      initialProgress({ jobId: 'job-1', total: 10, chunkCount: 1, estimatedCents: 10, startTime: 'T' }),
      'Running',
    );
    const answers = [
      answer('analyzePortfolio', 400, validationFailed([{ path: 'properties[0].zip', message: 'bad' }]).jsonBody),
      answer('analyzePortfolio', 400, badRequest('The request body is empty; expected JSON.').jsonBody),
      answer('analyzePortfolio', 413, payloadTooLarge(1024).jsonBody),
      answer('getJob', 404, notFound("No job with id 'x'.").jsonBody),
      answer('getJob', 200, { success: true, job }),
    ];
    expect(answersAgainstDocument(answers, document)).toEqual([]);
  });

  it('refuses what the API must not answer: an extra field, a missing one, an unlisted status', () => {
    const problems = answersAgainstDocument(
      [
        answer('getJob', 404, { success: false, error: 'gone', hint: 'x' }),
        answer('getJob', 404, { success: false }),
        answer('getJob', 418, { success: false, error: 'teapot' }),
        answer('listEverything', 200, {}),
        answer('getJob', 500, { success: false, error: 'boom' }),
      ],
      document,
    );
    expect(problems).toHaveLength(5);
    expect(problems[0]).toContain("'hint'");
    expect(problems[2]).toContain('no such status');
    expect(problems[3]).toContain('no operation listEverything');
    expect(problems[4]).toContain("must have required property 'correlationId'");
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
    for (const answered of ['AnalyzeAccepted', 'Estimate', 'OverBudget', 'ValidationError', 'Job'])
      expect(at('components', 'schemas', answered, 'properties', 'dataQuality')).toStrictEqual(ref);
    expect(at('paths', '/portfolio/analyze', 'post', 'x-column-synonyms')).toStrictEqual(HEADER_SYNONYMS);
  });

  it('describes errors a program can act on', () => {
    const items = ['components', 'schemas', 'ValidationError', 'properties', 'errors', 'items'];
    expect(keysAt(...items, 'properties')).toStrictEqual(['path', 'message', 'code', 'fix', 'row', 'column', 'field']);
    expect(at(...items, 'required')).toStrictEqual(['path', 'message']);
    for (const path of ['/portfolio/analyze', '/portfolio/estimate'])
      expect(at('paths', path, 'post', 'responses', '415', 'content', 'application/json', 'schema')).toStrictEqual({
        $ref: '#/components/schemas/ValidationError',
      });
  });
});
