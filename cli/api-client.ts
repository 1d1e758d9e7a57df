// A small typed client of the Portfolio Analytics HTTP API, used by the CLI and the demo. Works against the
// local stack or an Azure deployment (function key sent as x-functions-key). A server that cannot be
// reached, or that answers something other than the API, is an error naming the URL tried.
import type { PortfolioReport } from '../src/domain/report.ts';
import type { StressRequest } from '../src/domain/stress.ts';
import type { StressAnswer } from '../src/jobs/job-stress.ts';
export interface ClientOptions {
  baseUrl: string;
  /** Function key for an Azure deployment. */
  key?: string | undefined;
}

export interface JobView {
  jobId: string;
  portfolioId: string;
  analysisType: string;
  status: string;
  progress: { total: number; processed: number; failed: number; cached: number; percentComplete: number };
  cost: { estimated: number; reserved: number; actual: number; budget?: number };
  startTime: string;
  endTime?: string;
  estimatedTimeRemaining?: number;
  error?: string;
}

/** How the server read the portfolio: rows read, accepted and skipped, and its warnings (the API's dataQuality). */
export interface DataQuality {
  rows: number;
  accepted: number;
  skipped: number;
  skippedRows: Array<{ at: string; propertyId?: string; reasons: Array<{ path: string; message: string }> }>;
  warnings: Array<{ code: string; count: number; message: string }>;
}

/** A per-property result as the API answers it (src/domain/results.ts); the CLI reads a few fields by name. */
export type PropertyView = Record<string, unknown> & { propertyId: string };

/** The server answered with an error status: its message and field errors, one per line. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    const b = body as { error?: string; errors?: Array<{ path: string; message: string }> } | undefined;
    const details = b?.errors?.slice(0, 10).map((e) => (e.path ? `  ${e.path}: ${e.message}` : `  ${e.message}`)) ?? [];
    super([`HTTP ${status}: ${b?.error ?? 'request failed'}`, ...details].join('\n'));
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
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

export interface JobsQuery {
  portfolioId?: string | undefined;
  status?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  pageSize?: number | undefined;
  continuationToken?: string | undefined;
}

export interface PropertiesQuery {
  filter?: string | undefined;
  state?: string | undefined;
  propertyType?: string | undefined;
  search?: string | undefined;
  pageSize?: number | undefined;
  continuationToken?: string | undefined;
}

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

  async function call<T>(
    method: string,
    path: string,
    body?: string | Uint8Array,
    extra: Record<string, string> = {},
  ): Promise<T> {
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
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed as T;
  }

  const job = (jobId: string) => `/portfolio/jobs/${encodeURIComponent(jobId)}`;
  const send = (request: RequestBody) => ({
    path: queryString(request.query ?? {}),
    headers: { 'content-type': request.contentType },
  });

  return {
    /** The API base tried, for messages. */
    baseUrl: api,
    /** Submits a portfolio: a JSON request body, or a file with the request fields in `query`. */
    analyze(request: RequestBody, options: { idempotencyKey?: string | undefined } = {}) {
      const { path, headers } = send(request);
      return call<{
        jobId: string;
        estimatedCost: number;
        statusUrl: string;
        message: string;
        dataQuality: DataQuality;
      }>('POST', `/portfolio/analyze${path}`, request.body, {
        ...headers,
        ...(options.idempotencyKey && { 'idempotency-key': options.idempotencyKey }),
      });
    },
    /** The cost estimate of the same request /analyze takes; nothing is started. */
    estimate(request: RequestBody) {
      const { path, headers } = send(request);
      return call<{
        estimatedCost: number;
        breakdown: { components: Record<string, number>; perProperty: Record<string, number>; properties: number };
        dataQuality: DataQuality;
      }>('POST', `/portfolio/estimate${path}`, request.body, headers);
    },
    job: async (jobId: string) => (await call<{ job: JobView }>('GET', job(jobId))).job,
    results: async (jobId: string) =>
      (await call<{ results: PortfolioReport }>('GET', `${job(jobId)}/results`)).results,
    /** Stress scenarios on a finished job's stored values (no paid call). */
    stress: (jobId: string, request: StressRequest) =>
      call<StressAnswer>('POST', `${job(jobId)}/stress`, JSON.stringify(request), {
        'content-type': 'application/json',
      }),
    cancel: (jobId: string) => call<{ message: string }>('DELETE', job(jobId)),
    /** One page of jobs, newest first. */
    jobs: (query: JobsQuery = {}) =>
      call<{ jobs: JobView[]; continuationToken?: string }>('GET', `/portfolio/jobs${queryString({ ...query })}`),
    /** One page of a job's per-property results. */
    properties: (jobId: string, query: PropertiesQuery = {}) =>
      call<{ properties: PropertyView[]; continuationToken?: string }>(
        'GET',
        `${job(jobId)}/properties${queryString({ ...query })}`,
      ),
    /** Re-analyses a finished job's failed properties (and those left by cancel or budget, on request). */
    redrive: (jobId: string, request: { include?: string | undefined; budget?: number | undefined }) =>
      call<{ jobId: string; message: string; statusUrl: string }>(
        'POST',
        `${job(jobId)}/redrive`,
        JSON.stringify(request),
        { 'content-type': 'application/json' },
      ),
  };
}
export type ApiClient = ReturnType<typeof createApiClient>;

export const FINISHED = new Set(['completed', 'failed', 'cancelled', 'budget_exceeded']);
