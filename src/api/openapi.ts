// The OpenAPI 3.1 description of the HTTP API, generated from the same zod schemas that validate requests
// (zod 4's JSON Schema output is JSON Schema 2020-12, which OpenAPI 3.1 uses), so it cannot drift.
import { z } from 'zod';
import { analyzeRequestSchema } from '../domain/schemas.ts';
import { portfolioReportSchema } from '../domain/report.ts';
import { propertyResultSchema } from '../domain/results.ts';
import { costBreakdownSchema } from '../domain/cost.ts';
import { dataQualitySchema, intakeErrorSchema } from '../domain/data-quality.ts';
import { HEADER_SYNONYMS, PROPERTY_TYPE_WORDS } from '../intake/vocabulary.ts';
import { ACCEPTED_CONTENT_TYPES, XLSX_CONTENT_TYPE } from './body-format.ts';
import { stressRequestSchema } from '../domain/stress.ts';
import { stressAnswerSchema } from '../jobs/job-stress.ts';
import { fileRequestQuerySchema, jobsQuerySchema, propertiesQuerySchema } from './schemas.ts';
import { JOB_STATUSES } from '../domain/job-status.ts';
import { STOP_REASONS } from '../domain/job-progress.ts';
import { redriveRequestSchema } from '../jobs/redrive-job.ts';

type JsonSchema = Record<string, unknown>;

const input = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const output = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['success', 'error'],
  properties: {
    success: { const: false },
    error: { type: 'string' },
    errors: {
      type: 'array',
      description:
        'Field errors: path and message always; input errors also name code, fix, and row and column (files) or field.',
      items: output(intakeErrorSchema),
    },
    totalErrors: { type: 'integer' },
    dataQuality: { $ref: '#/components/schemas/DataQuality' },
    correlationId: { type: 'string', description: '500 and 503: the id of the log line that says what happened' },
    jobId: { type: 'string', description: '422 for a reused Idempotency-Key: the job the key names' },
  },
};

const jobSchema: JsonSchema = {
  type: 'object',
  properties: {
    jobId: { type: 'string' },
    status: { enum: [...JOB_STATUSES] },
    progress: {
      type: 'object',
      properties: {
        total: { type: 'integer' },
        processed: { type: 'integer' },
        failed: { type: 'integer' },
        cached: { type: 'integer' },
        percentComplete: { type: 'number' },
      },
    },
    cost: {
      type: 'object',
      description: 'dollars',
      properties: {
        estimated: { type: 'number', description: 'the worst case: every AVM of the cascade, a review, risk' },
        reserved: { type: 'number', description: 'held by chunks in flight (at most their worst case)' },
        actual: { type: 'number', description: "the vendors' bill as recorded with each answer, plus the risk charge" },
        unconfirmed: {
          type: 'number',
          description:
            'present after a crash: at most this much more may have been billed for answers the crash lost (counted against the budget)',
        },
        budget: { type: 'number' },
      },
    },
    startTime: { type: 'string', format: 'date-time' },
    endTime: { type: 'string', format: 'date-time', description: 'once the job has ended' },
    estimatedTimeRemaining: { type: 'integer', description: 'seconds, at the observed rate' },
    dataQuality: { $ref: '#/components/schemas/DataQuality' },
    stopRequested: {
      enum: [...STOP_REASONS],
      description: 'while a stopped job finishes its properties in flight: why it stops',
    },
    error: { type: 'string', description: 'why a failed job failed' },
    statusReason: { type: 'string', description: 'why a job ended short of its portfolio (cancel, terminate, budget)' },
  },
};

const jsonBody = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request: field errors, each with its path (query parameters as query.NAME)',
  404: 'unknown',
  409: 'conflict: a concurrent change won (retry after Retry-After seconds), or the job lacks what the operation needs (the error says which)',
  413: 'body too large',
  415: `a Content-Type that is not read (${ACCEPTED_CONTENT_TYPES.join(', ')} are)`,
  422: 'over budget',
  500: 'internal error: a correlation id and nothing else; the log line with that id says what happened',
  503: 'a service the app depends on is unavailable; retry after Retry-After seconds',
};
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: ERROR_DESCRIPTIONS[c] ?? 'error',
        ...jsonBody(errorSchema),
      },
    ]),
  );

/** Every operation of `paths` also answers 500 and 503: what the one error boundary answers for any route. */
function withServerErrors<P extends Record<string, Record<string, { responses: JsonSchema }>>>(paths: P): P {
  for (const operations of Object.values(paths))
    for (const operation of Object.values(operations)) Object.assign(operation.responses, errors(500, 503));
  return paths;
}
const queryParameters = (schema: z.ZodObject) =>
  Object.entries((input(schema).properties ?? {}) as Record<string, JsonSchema>).map(([name, s]) => ({
    name,
    in: 'query',
    required: ((input(schema).required as string[] | undefined) ?? []).includes(name),
    schema: s,
  }));
/** Request bodies read by analyze and estimate: JSON, or a tape (CSV or Excel) with the fields as query parameters. */
const portfolioBody = {
  required: true,
  description:
    'JSON (AnalyzeRequest; a byte-order mark is ignored, null means absent), or a tape: CSV separated by , ; | or tab (detected from the header; with ; a decimal comma is read), UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252, or an Excel workbook (.xlsx). text/plain, application/vnd.ms-excel and application/octet-stream bodies are recognised by content. Headers match ignoring case, spaces, underscores and dots, or by x-column-synonyms.',
  content: {
    'application/json': { schema: { $ref: '#/components/schemas/AnalyzeRequest' } },
    'text/csv': { schema: { type: 'string' } },
    'text/tab-separated-values': { schema: { type: 'string' } },
    [XLSX_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } },
    'text/plain': { schema: { type: 'string' } },
    'application/vnd.ms-excel': { schema: { type: 'string' } },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
  },
};
const fileParameters = () =>
  queryParameters(fileRequestQuerySchema).map((p) => ({
    ...p,
    required: false,
    description: `tape bodies (CSV, Excel) only${p.name === 'portfolioId' || p.name === 'analysisType' ? '; required with them' : ''} (beside a JSON body any query parameter is a 400: the body holds the fields)`,
  }));
const dataQualityProperty = { dataQuality: { $ref: '#/components/schemas/DataQuality' } };

const jobIdParameter = { name: 'jobId', in: 'path', required: true, schema: { type: 'string' } };
const portfolioIdParameter = { name: 'portfolioId', in: 'path', required: true, schema: { type: 'string' } };

export function openApiDocument(serverUrl: string): JsonSchema {
  const request = input(analyzeRequestSchema({ asOf: new Date() }));
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
      schemas: {
        AnalyzeRequest: request,
        PortfolioReport: output(portfolioReportSchema),
        PropertyResult: output(propertyResultSchema),
        CostBreakdown: output(costBreakdownSchema),
        StressRequest: input(stressRequestSchema),
        StressAnswer: output(stressAnswerSchema),
        Job: jobSchema,
        Error: errorSchema,
        DataQuality: output(dataQualitySchema),
      },
    },
    security: [{ functionKey: [] }, { functionKeyQuery: [] }],
    paths: withServerErrors({
      '/portfolio/analyze': {
        post: {
          summary: 'Start an analysis of a portfolio',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'the same key always names the same job: the same request again answers that job (202); another request with it answers 422 naming the job (IETF draft "The Idempotency-Key HTTP Header Field")',
              schema: { type: 'string', maxLength: 200 },
            },
            ...fileParameters(),
          ],
          requestBody: portfolioBody,
          'x-column-synonyms': HEADER_SYNONYMS,
          'x-property-type-words': PROPERTY_TYPE_WORDS,
          responses: {
            '202': {
              description: 'started (or the existing job of this Idempotency-Key)',
              ...jsonBody({
                type: 'object',
                properties: {
                  success: { const: true },
                  jobId: { type: 'string' },
                  estimatedCost: { type: 'number' },
                  breakdown: { $ref: '#/components/schemas/CostBreakdown' },
                  statusUrl: { type: 'string', description: 'GET for the job, DELETE to cancel it' },
                  statusQueryGetUri: {
                    type: 'string',
                    description:
                      "the Durable status query of the job's root; carries the task hub's system key in Azure (HAND_OUT_MANAGEMENT_URLS=false leaves it and the two below out)",
                  },
                  terminatePostUri: {
                    type: 'string',
                    description: 'terminates the job: chunks stop buying, it ends cancelled with a partial report',
                  },
                  purgeHistoryDeleteUri: {
                    type: 'string',
                    description: "purges the root's history; the job, its results and report stay",
                  },
                  ...dataQualityProperty,
                },
              }),
            },
            '422': {
              description:
                'over budget (estimatedCost, budget, breakdown), or an Idempotency-Key already used with another request (jobId)',
              ...jsonBody(errorSchema),
            },
            ...errors(400, 413, 415),
          },
        },
      },
      '/portfolio/estimate': {
        post: {
          summary:
            'Estimate the cost of an analysis (the same bodies as /portfolio/analyze; nothing is started or written)',
          parameters: fileParameters(),
          requestBody: portfolioBody,
          responses: {
            '200': {
              description: 'estimate',
              ...jsonBody({
                type: 'object',
                properties: {
                  estimatedCost: { type: 'number' },
                  breakdown: { $ref: '#/components/schemas/CostBreakdown' },
                  ...dataQualityProperty,
                },
              }),
            },
            ...errors(400, 413, 415),
          },
        },
      },
      '/portfolio/jobs': {
        get: {
          summary:
            'Jobs, newest first, paged; filters: portfolio, status, creation time (from inclusive, to exclusive)',
          parameters: queryParameters(jobsQuerySchema),
          responses: {
            '200': {
              description: 'a page of jobs (queued and processing are told apart live: such a page may be short)',
              ...jsonBody({
                type: 'object',
                properties: {
                  success: { const: true },
                  jobs: { type: 'array', items: { $ref: '#/components/schemas/Job' } },
                  continuationToken: { type: 'string' },
                },
              }),
            },
            ...errors(400),
          },
        },
      },
      '/portfolio/jobs/{jobId}': {
        get: {
          summary: 'Job status, progress, cost and ETA',
          parameters: [jobIdParameter],
          responses: {
            '200': {
              description: 'the job',
              ...jsonBody({
                type: 'object',
                properties: { success: { const: true }, job: { $ref: '#/components/schemas/Job' } },
              }),
            },
            ...errors(400, 404),
          },
        },
        delete: {
          summary:
            'Cancel a job: running chunks stop buying at their next property, properties in flight finish, a partial report is written; a job that never started is ended',
          parameters: [jobIdParameter],
          responses: { '200': { description: 'cancel initiated' }, ...errors(400, 404) },
        },
      },
      '/portfolio/jobs/{jobId}/redrive': {
        post: {
          summary:
            "Analyse a finished job's failed properties again (and, with include failed-and-left, those a cancel or the budget left); same job, counts, cost and report updated; answers already bought are reused",
          parameters: [jobIdParameter],
          requestBody: { required: false, ...jsonBody(input(redriveRequestSchema)) },
          responses: {
            '202': {
              description: 'redrive started',
              ...jsonBody({
                type: 'object',
                properties: {
                  success: { const: true },
                  jobId: { type: 'string' },
                  redrive: { type: 'integer', description: 'the n-th redrive of the job' },
                  include: { enum: ['failed', 'failed-and-left'] },
                  statusUrl: { type: 'string' },
                },
              }),
            },
            '409': { description: 'the job has not finished', ...jsonBody(errorSchema) },
            ...errors(400, 404),
          },
        },
      },
      '/portfolio/jobs/{jobId}/results': {
        get: {
          summary: 'The portfolio report',
          parameters: [jobIdParameter],
          responses: {
            '200': {
              description: 'report',
              ...jsonBody({
                type: 'object',
                properties: { success: { const: true }, results: { $ref: '#/components/schemas/PortfolioReport' } },
              }),
            },
            ...errors(400, 404),
          },
        },
      },
      '/portfolio/jobs/{jobId}/stress': {
        post: {
          summary:
            "Stress scenarios on a finished job's stored values (no paid call): house-price shocks, national and per state",
          parameters: [jobIdParameter],
          requestBody: {
            required: false,
            description: 'An empty body runs the default scenarios (values -10%, -20%, -30%).',
            ...jsonBody({ $ref: '#/components/schemas/StressRequest' }),
          },
          responses: {
            '200': { description: 'the scenarios', ...jsonBody({ $ref: '#/components/schemas/StressAnswer' }) },
            ...errors(400, 404, 409, 413),
          },
        },
      },
      '/portfolio/jobs/{jobId}/properties': {
        get: {
          summary: 'Per-property results, paged',
          parameters: [jobIdParameter, ...queryParameters(propertiesQuerySchema)],
          responses: {
            '200': {
              description: 'a page',
              ...jsonBody({
                type: 'object',
                properties: {
                  properties: { type: 'array', items: { $ref: '#/components/schemas/PropertyResult' } },
                  continuationToken: { type: 'string' },
                },
              }),
            },
            ...errors(400, 404),
          },
        },
      },
      '/portfolio/jobs/{jobId}/properties/{propertyId}': {
        get: {
          summary: "One property's result: cascade attempts, value basis, LTV/CLTV, fraud reasons, AI verdict",
          parameters: [jobIdParameter, { name: 'propertyId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'the property',
              ...jsonBody({
                type: 'object',
                properties: { success: { const: true }, property: { $ref: '#/components/schemas/PropertyResult' } },
              }),
            },
            ...errors(400, 404),
          },
        },
      },
      '/portfolios/{portfolioId}': {
        put: {
          summary: 'Register a portfolio for the nightly revaluation',
          parameters: [portfolioIdParameter],
          requestBody: { required: true, ...jsonBody({ type: 'object' }) },
          responses: { '200': { description: 'registered' }, ...errors(400, 413) },
        },
        get: {
          summary: 'A registered portfolio',
          parameters: [portfolioIdParameter],
          responses: { '200': { description: 'the portfolio' }, ...errors(404) },
        },
      },
      '/portfolios/{portfolioId}/revalue': {
        post: {
          summary:
            "Run the portfolio's nightly revaluation now: at most once a UTC day, under the nightly run's id nightly-{portfolioId}-{yyyyMMdd}",
          parameters: [portfolioIdParameter],
          responses: {
            '202': {
              description: "started, or today's run already exists (the same job; message says which)",
              ...jsonBody({
                type: 'object',
                properties: {
                  success: { const: true },
                  jobId: { type: 'string' },
                  portfolioId: { type: 'string' },
                  runDate: { type: 'string', pattern: '^\\d{8}$' },
                  estimatedCost: { type: 'number' },
                  message: { type: 'string' },
                  statusUrl: { type: 'string' },
                },
              }),
            },
            ...errors(400, 404),
          },
        },
      },
      '/portfolios/{portfolioId}/trends': {
        get: {
          summary: 'Portfolio metrics over time, one point per complete run',
          parameters: [portfolioIdParameter],
          responses: { '200': { description: 'trend points' }, ...errors(400) },
        },
      },
    }),
  };
}
