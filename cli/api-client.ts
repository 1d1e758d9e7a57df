// A small typed client of the Portfolio Analytics HTTP API, used by the CLI, the demo and the benches.
// Works against the local stack or an Azure deployment (function key sent as x-functions-key). Every
// answer is read through its schema in src/api/answers.ts, the definition the server builds its answers
// to: a server speaking another version of the contract fails here with the field that differs. A server
// that cannot be reached, or that answers something other than the API, is an error naming the URL tried.
import { z } from 'zod';
import {
  analyzeAcceptedSchema,
  cancelAnswerSchema,
  errorAnswerSchema,
  estimateAnswerSchema,
  jobAnswerSchema,
  jobsPageSchema,
  propertiesPageSchema,
  redriveAcceptedSchema,
  resultsAnswerSchema,
  tapeAcceptedSchema,
  type JobView,
} from '../src/api/answers.ts';
import type { jobsQuerySchema, propertiesQuerySchema } from '../src/api/schemas.ts';
import { fieldErrorSchema } from '../src/domain/data-quality.ts';
import type { RedriveRequest } from '../src/jobs/redrive-job.ts';
import type { StressRequest } from '../src/domain/stress.ts';
import { stressAnswerSchema } from '../src/jobs/job-stress.ts';
import { parseRetryAfter } from '../src/providers/http-errors.ts';

export interface ClientOptions {
  baseUrl: string;
  /** Function key for an Azure deployment. */
  key?: string | undefined;
}

/** A refusal's body: any error answer, with field errors when it has them. */
const refusalSchema = errorAnswerSchema.extend({ errors: z.array(fieldErrorSchema).optional() });

/** The server answered with an error status: its message and field errors, one per line. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  /** The answer's Retry-After, in milliseconds (a 503 of a dependency that is down, a 429). */
  readonly retryAfterMs: number | undefined;
  constructor(status: number, body: unknown, retryAfterMs?: number) {
    const refusal = refusalSchema.safeParse(body);
    const b = refusal.success ? refusal.data : undefined;
    const details = b?.errors?.slice(0, 10).map((e) => (e.path ? `  ${e.path}: ${e.message}` : `  ${e.message}`)) ?? [];
    super([`HTTP ${status}: ${b?.error ?? 'request failed'}`, ...details].join('\n'));
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Nothing answered at `url` (refused, unknown host, timed out), or what answered is not this API. */
export class UnreachableError extends Error {
  readonly url: string;
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(
      `Cannot reach Portfolio Analytics at ${url}: ${reason}. Is the app running (npm start)? Point the CLI at it with --url or PORTFOLIO_ANALYTICS_URL.`,
      options,
    );
    this.name = 'UnreachableError';
    this.url = url;
  }
}

/** Why fetch failed, in words: the system error code under its `cause`, when there is one. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'timed out',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
  };
  if (code !== undefined) return known[code] ?? code;
  return typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
}

/** A query string's parameters by the names its schema reads; the server validates the values. */
type QueryOf<S extends z.ZodObject> = { [K in keyof z.input<S>]?: string | number | undefined };
/** GET /api/portfolio/jobs: filters and paging (src/api/schemas.ts jobsQuerySchema). */
export type JobsQuery = QueryOf<typeof jobsQuerySchema>;
/** GET .../properties: filters and paging (src/api/schemas.ts propertiesQuerySchema). */
export type PropertiesQuery = QueryOf<typeof propertiesQuerySchema>;

/** `?a=1&b=2` of the defined entries, or '' when there are none. */
function queryString(query: Record<string, string | number | undefined>): string {
  const defined = Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined);
  return defined.length === 0 ? '' : `?${new URLSearchParams(defined.map(([k, v]) => [k, String(v)])).toString()}`;
}

/** A request to send: a JSON body, or a tape's bytes (CSV, Excel) with the request fields in `query`. */
export type RequestBody = {
  contentType: string;
  body: string | Uint8Array;
  query?: Record<string, string> | undefined;
};

export function createApiClient(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const api = base.endsWith('/api') ? base : `${base}/api`;

  /**
   * Sends the request; answers the body read through `schema`. Throws ApiError for a non-2xx answer,
   * UnreachableError when nothing answers or the answer is not JSON, and an Error naming the field when a 2xx
   * answer is not the contract's.
   */
  async function call<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: string | Uint8Array,
    extra: Record<string, string> = {},
  ): Promise<z.output<S>> {
    const url = `${api}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { ...(options.key && { 'x-functions-key': options.key }), ...extra },
        // A copy over a plain ArrayBuffer: what fetch's BodyInit takes (a Buffer may sit on a shared one).
        ...(body !== undefined && { body: typeof body === 'string' ? body : new Uint8Array(body) }),
      });
    } catch (error) {
      throw new UnreachableError(url, networkReason(error), { cause: error });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch (error) {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new UnreachableError(url, `it answered ${response.status} with ${type}, not the API's JSON`, {
        cause: error,
      });
    }
    if (!response.ok) throw new ApiError(response.status, parsed, parseRetryAfter(response.headers.get('retry-after')));
    const answer = schema.safeParse(parsed);
    if (!answer.success)
      throw new Error(
        `${method} ${path}: the answer does not match the API contract: ${z.prettifyError(answer.error)}`,
      );
    return answer.data;
  }

  const job = (jobId: string) => `/portfolio/jobs/${encodeURIComponent(jobId)}`;
  const send = (request: RequestBody) => ({
    path: queryString(request.query ?? {}),
    headers: { 'content-type': request.contentType },
  });
  const jsonBody = { 'content-type': 'application/json' };

  return {
    /** The API base tried, for messages. */
    baseUrl: api,
    /**
     * Submits a portfolio: a JSON request body, or a file with the request fields in `query`. A JSON request naming
     * an uploaded tape (propertiesBlob) is accepted before the tape is read (TapeAccepted, status reading).
     */
    analyze(request: RequestBody, options: { idempotencyKey?: string | undefined } = {}) {
      const { path, headers } = send(request);
      return call(
        z.union([analyzeAcceptedSchema, tapeAcceptedSchema]),
        'POST',
        `/portfolio/analyze${path}`,
        request.body,
        {
          ...headers,
          ...(options.idempotencyKey && { 'idempotency-key': options.idempotencyKey }),
        },
      );
    },
    /** The cost estimate of the same request /analyze takes; nothing is started. */
    estimate(request: RequestBody) {
      const { path, headers } = send(request);
      return call(estimateAnswerSchema, 'POST', `/portfolio/estimate${path}`, request.body, headers);
    },
    job: async (jobId: string): Promise<JobView> => (await call(jobAnswerSchema, 'GET', job(jobId))).job,
    results: async (jobId: string) => (await call(resultsAnswerSchema, 'GET', `${job(jobId)}/results`)).results,
    /** Stress scenarios on a finished job's stored values (no paid call). */
    stress: (jobId: string, request: StressRequest) =>
      call(stressAnswerSchema, 'POST', `${job(jobId)}/stress`, JSON.stringify(request), jsonBody),
    cancel: (jobId: string) => call(cancelAnswerSchema, 'DELETE', job(jobId)),
    /** One page of jobs, newest first. */
    jobs: (query: JobsQuery = {}) => call(jobsPageSchema, 'GET', `/portfolio/jobs${queryString(query)}`),
    /** One page of a job's per-property results. */
    properties: (jobId: string, query: PropertiesQuery = {}) =>
      call(propertiesPageSchema, 'GET', `${job(jobId)}/properties${queryString(query)}`),
    /** Re-analyses a finished job's failed properties (and those left by cancel or budget, on request). */
    redrive: (jobId: string, request: Partial<RedriveRequest>) =>
      call(redriveAcceptedSchema, 'POST', `${job(jobId)}/redrive`, JSON.stringify(request), jsonBody),
  };
}
export type ApiClient = ReturnType<typeof createApiClient>;
