// The OpenAPI 3.1 description of the HTTP API, generated from the zod schemas that validate the requests
// (src/domain/schemas.ts, ./schemas.ts) and type the answers (./answers.ts). zod 4 writes JSON Schema
// 2020-12, the dialect of OpenAPI 3.1; registered schemas become components referenced by $ref. Each
// operation's operationId is the function's name in src/app.ts, and every status a handler answers is
// listed with its schema: the integration suite validates every answer it receives against this document.
import { z } from 'zod';
import { analyzeRequestSchema } from '../domain/schemas.ts';
import { costBreakdownSchema } from '../domain/cost.ts';
import { dataQualitySchema } from '../domain/data-quality.ts';
import { HEADER_SYNONYMS, PROPERTY_TYPE_WORDS } from '../intake/vocabulary.ts';
import { propertyResultSchema } from '../domain/results.ts';
import { portfolioReportSchema } from '../domain/report.ts';
import { trendPointSchema } from '../domain/trend.ts';
import { stressRequestSchema } from '../domain/stress.ts';
import { stressAnswerSchema } from '../jobs/job-stress.ts';
import { redriveRequestSchema } from '../jobs/redrive-job.ts';
import {
  analyzeAcceptedSchema,
  cancelAnswerSchema,
  conflictAnswerSchema,
  errorAnswerSchema,
  estimateAnswerSchema,
  idempotencyKeyReusedAnswerSchema,
  jobAnswerSchema,
  jobsPageSchema,
  jobViewSchema,
  notFinishedAnswerSchema,
  overBudgetAnswerSchema,
  portfolioAnswerSchema,
  propertiesPageSchema,
  propertyAnswerSchema,
  redriveAcceptedSchema,
  resultsAnswerSchema,
  revalueAcceptedSchema,
  serverErrorAnswerSchema,
  tapeAcceptedSchema,
  trendAnswerSchema,
  validationErrorAnswerSchema,
} from './answers.ts';
import { ACCEPTED_CONTENT_TYPES, JSON_BODY_TYPES, XLSX_CONTENT_TYPE } from './body-format.ts';
import {
  analyzeBlobBodySchema,
  fileRequestQuerySchema,
  jobsQuerySchema,
  portfolioBodySchema,
  propertiesQuerySchema,
} from './schemas.ts';

/** A JSON Schema or OpenAPI object. */
export type JsonObject = { [key: string]: unknown };

const COMPONENTS = '#/components/schemas/';
const ref = (name: string) => ({ $ref: `${COMPONENTS}${name}` });

/** Registered schemas, by component name: generated once with cross-references between them. */
function components(asOf: Date): Record<string, JsonObject> {
  const answers = z.registry<{ id: string }>();
  const add = (schema: z.ZodType, id: string) => answers.add(schema, { id });
  add(errorAnswerSchema, 'Error');
  add(validationErrorAnswerSchema, 'ValidationError');
  add(overBudgetAnswerSchema, 'OverBudget');
  add(idempotencyKeyReusedAnswerSchema, 'IdempotencyKeyReused');
  add(serverErrorAnswerSchema, 'ServerError');
  add(notFinishedAnswerSchema, 'NotFinished');
  add(analyzeAcceptedSchema, 'AnalyzeAccepted');
  add(tapeAcceptedSchema, 'TapeAccepted');
  add(estimateAnswerSchema, 'Estimate');
  add(jobViewSchema, 'Job');
  add(jobAnswerSchema, 'JobAnswer');
  add(jobsPageSchema, 'JobsPage');
  add(resultsAnswerSchema, 'ResultsAnswer');
  add(portfolioReportSchema, 'PortfolioReport');
  add(propertiesPageSchema, 'PropertiesPage');
  add(propertyResultSchema, 'PropertyResult');
  add(propertyAnswerSchema, 'PropertyAnswer');
  add(cancelAnswerSchema, 'CancelAnswer');
  add(conflictAnswerSchema, 'Conflict');
  add(redriveAcceptedSchema, 'RedriveAccepted');
  add(revalueAcceptedSchema, 'RevalueAccepted');
  add(portfolioAnswerSchema, 'PortfolioAnswer');
  add(trendAnswerSchema, 'TrendAnswer');
  add(trendPointSchema, 'TrendPoint');
  add(costBreakdownSchema, 'CostBreakdown');
  add(stressAnswerSchema, 'StressAnswer');
  add(dataQualitySchema, 'DataQuality');
  const requests = z.registry<{ id: string }>();
  requests.add(analyzeRequestSchema({ asOf }), { id: 'AnalyzeRequest' });
  requests.add(analyzeBlobBodySchema(), { id: 'AnalyzeBlobRequest' });
  requests.add(portfolioBodySchema(asOf), { id: 'PortfolioRequest' });
  requests.add(stressRequestSchema, { id: 'StressRequest' });
  requests.add(redriveRequestSchema, { id: 'RedriveRequest' });
  const generate = (registry: typeof answers, io: 'input' | 'output') =>
    z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `${COMPONENTS}${id}` }).schemas;
  const all = { ...generate(answers, 'output'), ...generate(requests, 'input') };
  // Inside an OpenAPI document the dialect is the document's: no per-schema $schema or $id.
  return Object.fromEntries(
    Object.entries(all).map(([name, { $schema: _dialect, $id: _id, ...schema }]) => [name, schema as JsonObject]),
  );
}

const json = (schema: JsonObject) => ({ content: { 'application/json': { schema } } });
const answer = (description: string, name: string) => ({ description, ...json(ref(name)) });

/** Refusals shared by the operations, by status. */
const REFUSALS = {
  400: answer('invalid request: field errors, each with its path (query parameters as query.NAME)', 'ValidationError'),
  404: answer('no such job or portfolio (or, for DELETE, already finished)', 'Error'),
  413: answer('body over MAX_REQUEST_MB', 'Error'),
  415: answer(`a Content-Type that is not read (${ACCEPTED_CONTENT_TYPES.join(', ')} are)`, 'ValidationError'),
} as const;
/** 409 of the operations that read a tape by reference. */
const TAPE_CHANGED = {
  '409': answer(
    'the uploaded tape named by propertiesBlob was replaced or deleted while it was being read (analyze: between its properties and its first bytes; a change after the 202 ends the job rejected instead): nothing was started; the error on propertiesBlob names the fix (upload under a new name, or wait for the upload to finish, and send the request again)',
    'ValidationError',
  ),
};
/** 415 of the endpoints that read only a JSON body (stress, redrive). */
const NOT_JSON = {
  '415': answer(
    `a body that is not JSON (${JSON_BODY_TYPES.join(', ')} are read; the last two by content)`,
    'ValidationError',
  ),
};
const refusals = (...codes: Array<keyof typeof REFUSALS>) =>
  Object.fromEntries(codes.map((code) => [String(code), REFUSALS[code]]));

const header = (description: string) => ({ description, schema: { type: 'string' } });
const CORRELATION_ID = header('the correlation id of the log line that says what happened');
/** What the one error boundary (./error-boundary.ts) answers for an error no handler answered, on any route. */
const SERVER_ERRORS = {
  '500': {
    description: 'internal error: a correlation id and nothing else; the log line with that id says what happened',
    headers: { 'x-correlation-id': CORRELATION_ID },
    ...json(ref('ServerError')),
  },
  '503': {
    description: 'a service the app depends on is unavailable; retry after Retry-After seconds',
    headers: { 'x-correlation-id': CORRELATION_ID, 'retry-after': header('seconds') },
    ...json(ref('ServerError')),
  },
};

type Operation = { responses: Record<string, JsonObject> };
/**
 * Every operation of `paths` also answers 500 and 503 (the error boundary wraps every HTTP function); where an
 * operation already answers one of them in another media type (the dashboard's 503), the JSON answer joins it.
 */
function withServerErrors<P extends Record<string, Record<string, Operation>>>(paths: P): P {
  for (const operations of Object.values(paths))
    for (const { responses } of Object.values(operations))
      for (const [status, serverError] of Object.entries(SERVER_ERRORS)) {
        const listed = responses[status];
        responses[status] = listed
          ? { ...listed, content: { ...(listed.content as JsonObject), ...serverError.content } }
          : serverError;
      }
  return paths;
}

function queryParameters(schema: z.ZodObject): JsonObject[] {
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  const required = generated.required ?? [];
  return Object.entries((generated.properties ?? {}) as Record<string, JsonObject>).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: s,
  }));
}
/** Request bodies read by analyze and estimate: JSON, or a tape (CSV or Excel) with the fields as query parameters. */
const portfolioBody = {
  required: true,
  description:
    'JSON (AnalyzeRequest; a byte-order mark is ignored, null means absent; or AnalyzeBlobRequest, naming a tape uploaded to the uploads container as propertiesBlob: CSV or a JSON array read as a stream, or an Excel workbook), or a tape: CSV separated by , ; | or tab (detected from the header; with ; a decimal comma is read), UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252, or an Excel workbook (.xlsx). text/plain, application/vnd.ms-excel and application/octet-stream bodies are recognised by content. Headers match ignoring case, spaces, underscores and dots, or by x-column-synonyms.',
  content: {
    'application/json': { schema: { oneOf: [ref('AnalyzeRequest'), ref('AnalyzeBlobRequest')] } },
    'text/csv': { schema: { type: 'string' } },
    'text/tab-separated-values': { schema: { type: 'string' } },
    [XLSX_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } },
    'text/plain': { schema: { type: 'string' } },
    'application/vnd.ms-excel': { schema: { type: 'string' } },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
  },
};
/** The request fields of a tape body, and how to read it, in the query string. */
const fileParameters = () =>
  queryParameters(fileRequestQuerySchema).map((p) => ({
    ...p,
    required: false,
    description: `tape bodies (CSV, Excel) only${p.name === 'portfolioId' || p.name === 'analysisType' ? '; required with them' : ''} (beside a JSON body any query parameter is a 400: the body holds the fields)`,
  }));
const pathParameter = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const jobId = pathParameter('jobId');
const portfolioId = pathParameter('portfolioId');

/** The document, with `serverUrl` (e.g. https://host/api) as its server. Request bounds use today's date. */
export function openApiDocument(serverUrl: string, asOf = new Date()): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Portfolio Analytics',
      version: '0.1.0',
      description: 'Portfolio-wide valuation, risk, fraud screening and market monitoring on Azure Durable Functions.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
        functionKeyQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'code',
          description: 'the same key as ?code=; accepted on every route beside its own parameters',
        },
      },
      schemas: components(asOf),
    },
    security: [{ functionKey: [] }, { functionKeyQuery: [] }],
    paths: withServerErrors({
      '/portfolio/analyze': {
        post: {
          operationId: 'analyzePortfolio',
          summary: 'Start an analysis of a portfolio',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'the same key always names the same job: the same request again answers that job (202, whatever its status, rejected included); another request with it answers 422 naming the job (IETF draft "The Idempotency-Key HTTP Header Field"). A tape by reference is fingerprinted by its fields, blob name and reading options, not its content: the same tape inline is another request',
              schema: { type: 'string', maxLength: 200 },
            },
            ...fileParameters(),
          ],
          requestBody: portfolioBody,
          'x-column-synonyms': HEADER_SYNONYMS,
          'x-property-type-words': PROPERTY_TYPE_WORDS,
          responses: {
            '202': {
              description:
                'started (AnalyzeAccepted: properties in the body, read, staged and priced), or accepted (TapeAccepted: a tape by reference, propertiesBlob, read by the job after this answer: status reading, then the job runs or ends rejected with its errors), or the existing job of this Idempotency-Key',
              ...json({ oneOf: [ref('AnalyzeAccepted'), ref('TapeAccepted')] }),
            },
            ...refusals(400, 413, 415),
            ...TAPE_CHANGED,
            '422': {
              description:
                'the estimate is over the budget (and allowPartial is not set), or the Idempotency-Key was used with another request (the job it names)',
              ...json({ oneOf: [ref('OverBudget'), ref('IdempotencyKeyReused')] }),
            },
          },
        },
      },
      '/portfolio/estimate': {
        post: {
          operationId: 'estimatePortfolio',
          summary:
            'Estimate the cost of an analysis (the same bodies as /portfolio/analyze; nothing is started or written). A tape by reference is read while the caller waits: the largest tapes can take longer than the 230 s an HTTP answer gets in Azure; analyze with a budget and no allowPartial prices them after its 202 (an estimate over the budget ends the job rejected with its estimate and breakdown, nothing spent)',
          parameters: fileParameters(),
          requestBody: portfolioBody,
          responses: { '200': answer('the estimate', 'Estimate'), ...refusals(400, 413, 415), ...TAPE_CHANGED },
        },
      },
      '/portfolio/jobs': {
        get: {
          operationId: 'listJobs',
          summary:
            'Jobs, newest first, paged; filters: portfolio, status, creation time (from inclusive, to exclusive)',
          parameters: queryParameters(jobsQuerySchema),
          responses: { '200': answer('a page of jobs', 'JobsPage'), ...refusals(400) },
        },
      },
      '/portfolio/jobs/{jobId}': {
        get: {
          operationId: 'getJob',
          summary: 'Job status, progress, cost and ETA',
          parameters: [jobId],
          responses: { '200': answer('the job', 'JobAnswer'), ...refusals(400, 404) },
        },
        delete: {
          operationId: 'cancelJob',
          summary:
            'Cancel a job: running chunks stop buying at their next property, properties in flight finish, a partial report is written; a job that never started is ended; a job reading its tape (reading) ends cancelled without analysing anything (what was staged is deleted; no report)',
          parameters: [jobId],
          responses: { '200': answer('cancel initiated', 'CancelAnswer'), ...refusals(400, 404) },
        },
      },
      '/portfolio/jobs/{jobId}/redrive': {
        post: {
          operationId: 'redriveJob',
          summary:
            "Analyse a finished job's failed properties again (and, with include failed-and-left, those a cancel, the budget or a failed run left without a result; with include failed those stay so and the job ends cancelled, budget_exceeded or failed again, never completed); same job, counts, cost and report updated; answers already bought are reused. A job whose run failed before writing its end is redriven as the failed job it reads",
          parameters: [jobId],
          requestBody: { required: false, ...json(ref('RedriveRequest')) },
          responses: {
            '202': answer('redrive started', 'RedriveAccepted'),
            ...refusals(400, 404),
            '409': answer(
              'the job has not finished, or cannot be redriven (a rejected job, or one that ended while its tape was read, has nothing staged: the error names the fix, a new request with a new Idempotency-Key), or a concurrent change won (retry after Retry-After seconds)',
              'Conflict',
            ),
            ...refusals(413),
            ...NOT_JSON,
          },
        },
      },
      '/portfolio/jobs/{jobId}/results': {
        get: {
          operationId: 'getJobResults',
          summary: 'The portfolio report of a finished job',
          parameters: [jobId],
          responses: {
            '200': answer('the report', 'ResultsAnswer'),
            '400': {
              description: 'invalid job id, or the job has not finished (its status and progress)',
              ...json({ oneOf: [ref('ValidationError'), ref('NotFinished')] }),
            },
            ...refusals(404),
            '409': answer(
              'the job has no report: it failed (its error), was rejected (its tape refused after the 202: the job carries the errors), or ended while its tape was read (why, with its status and progress)',
              'NotFinished',
            ),
          },
        },
      },
      '/portfolio/jobs/{jobId}/stress': {
        post: {
          operationId: 'postJobStress',
          summary:
            "Stress scenarios on a finished job's stored values (no paid call): house-price shocks, national and per state",
          parameters: [jobId],
          requestBody: {
            required: false,
            description: 'An empty body runs the default scenarios (values -10%, -20%, -30%).',
            ...json(ref('StressRequest')),
          },
          responses: {
            '200': answer('the scenarios', 'StressAnswer'),
            '400': {
              description: 'invalid request, or the job has no report yet (its status and progress)',
              ...json({ oneOf: [ref('ValidationError'), ref('NotFinished')] }),
            },
            ...refusals(404),
            '409': {
              description:
                'the job has no report (failed, rejected, or ended while its tape was read), or kept no per-property snapshot (its report predates stress scenarios)',
              ...json({ oneOf: [ref('NotFinished'), ref('Error')] }),
            },
            ...refusals(413),
            ...NOT_JSON,
          },
        },
      },
      '/portfolio/jobs/{jobId}/properties': {
        get: {
          operationId: 'getJobProperties',
          summary: 'Per-property results, paged, filtered',
          parameters: [jobId, ...queryParameters(propertiesQuerySchema)],
          responses: { '200': answer('a page', 'PropertiesPage'), ...refusals(400, 404) },
        },
      },
      '/portfolio/jobs/{jobId}/properties/{propertyId}': {
        get: {
          operationId: 'getJobProperty',
          summary: "One property's result: cascade attempts, value basis, LTV/CLTV, fraud reasons, AI verdict",
          parameters: [jobId, pathParameter('propertyId')],
          responses: { '200': answer('the property', 'PropertyAnswer'), ...refusals(400, 404) },
        },
      },
      '/portfolios/{portfolioId}': {
        put: {
          operationId: 'putPortfolio',
          summary: 'Register a portfolio for the nightly revaluation',
          parameters: [portfolioId],
          requestBody: { required: true, ...json(ref('PortfolioRequest')) },
          responses: { '200': answer('registered', 'PortfolioAnswer'), ...refusals(400, 413) },
        },
        get: {
          operationId: 'getPortfolio',
          summary: 'A registered portfolio',
          parameters: [portfolioId],
          responses: { '200': answer('the portfolio', 'PortfolioAnswer'), ...refusals(400, 404) },
        },
      },
      '/portfolios/{portfolioId}/revalue': {
        post: {
          operationId: 'revaluePortfolio',
          summary:
            "Run the portfolio's nightly revaluation now: at most once a UTC day, under the nightly run's id nightly-{portfolioId}-{yyyyMMdd}",
          parameters: [portfolioId],
          responses: {
            '202': answer(
              "started, or today's run already exists (the same job; message says which)",
              'RevalueAccepted',
            ),
            ...refusals(400),
            '404': answer('no such portfolio, or its registered properties are gone (register it again)', 'Error'),
          },
        },
      },
      '/portfolios/{portfolioId}/trends': {
        get: {
          operationId: 'getTrends',
          summary: 'Portfolio metrics over time, one point per complete run',
          parameters: [portfolioId],
          responses: { '200': answer('the trend, oldest first', 'TrendAnswer'), ...refusals(400) },
        },
      },
      '/dashboard/{path}': {
        get: {
          operationId: 'dashboard',
          summary: "The analysts' dashboard: its page and assets (web/, built into dist/web)",
          security: [],
          parameters: [{ ...pathParameter('path'), description: 'a file of the built dashboard; empty: index.html' }],
          responses: {
            '200': { description: 'the file', content: { '*/*': { schema: { type: 'string' } } } },
            '404': { description: 'no such file', content: { 'text/plain': { schema: { type: 'string' } } } },
            '503': {
              description: 'the dashboard has not been built',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'the OpenAPI document', ...json({ type: 'object' }) } },
        },
      },
    }),
  };
}
