// A small typed client of the Portfolio Analytics HTTP API, used by the CLI and the demo. Works against the
// local stack or an Azure deployment (function key sent as x-functions-key).
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

export function createApiClient(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const api = base.endsWith('/api') ? base : `${base}/api`;
  const headers = (extra: Record<string, string> = {}) => ({
    ...(options.key && { 'x-functions-key': options.key }),
    ...extra,
  });

  async function call<T>(
    method: string,
    path: string,
    body?: string | Uint8Array,
    extra: Record<string, string> = {},
  ): Promise<T> {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: headers(extra),
      // A copy over a plain ArrayBuffer: what fetch's BodyInit takes (a Buffer may sit on a shared one).
      ...(body !== undefined && { body: typeof body === 'string' ? body : new Uint8Array(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed as T;
  }

  return {
    /** Submits a JSON request body or a tape (CSV or Excel, with the request fields in `query`). */
    analyze(
      body: string | Uint8Array,
      contentType: string,
      options: { query?: Record<string, string>; idempotencyKey?: string } = {},
    ) {
      const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
      return call<{
        jobId: string;
        estimatedCost: number;
        statusUrl: string;
        message: string;
        dataQuality: DataQuality;
      }>('POST', `/portfolio/analyze${query}`, body, {
        'content-type': contentType,
        ...(options.idempotencyKey && { 'idempotency-key': options.idempotencyKey }),
      });
    },
    /** The estimate of a JSON request body or a tape (request fields in `query`). */
    estimate: (body: string | Uint8Array, contentType: string, query?: Record<string, string>) =>
      call<{
        estimatedCost: number;
        breakdown: { components: Record<string, number>; perProperty: Record<string, number>; properties: number };
        dataQuality: DataQuality;
      }>('POST', `/portfolio/estimate${query ? `?${new URLSearchParams(query).toString()}` : ''}`, body, {
        'content-type': contentType,
      }),
    job: async (jobId: string) =>
      (await call<{ job: JobView }>('GET', `/portfolio/jobs/${encodeURIComponent(jobId)}`)).job,
    results: async (jobId: string) =>
      (await call<{ results: PortfolioReport }>('GET', `/portfolio/jobs/${encodeURIComponent(jobId)}/results`)).results,
    /** Stress scenarios on a finished job's stored values (no paid call). */
    stress: (jobId: string, request: StressRequest) =>
      call<StressAnswer>('POST', `/portfolio/jobs/${encodeURIComponent(jobId)}/stress`, JSON.stringify(request), {
        'content-type': 'application/json',
      }),
    cancel: (jobId: string) => call<{ message: string }>('DELETE', `/portfolio/jobs/${encodeURIComponent(jobId)}`),
  };
}
export type ApiClient = ReturnType<typeof createApiClient>;

export const FINISHED = new Set(['completed', 'failed', 'cancelled', 'budget_exceeded']);
