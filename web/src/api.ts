// The dashboard's HTTP client: same-origin calls to /api, with the function key when one is set (locally,
// when devhost runs with a master key; in Azure, when App Service Authentication is not in front) and
// X-Requested-With so that App Service Authentication answers 401 instead of redirecting a fetch to a login
// page. Shapes come from the app's own types (src/), so the page and the API cannot drift apart.
import type { AnalyzeAccepted, EstimateAnswer, JobView, ValidationErrorAnswer } from '../../src/api/answers.ts';
import type { IntakeWarning } from '../../src/domain/data-quality.ts';
import { isFinal, JOB_STATUSES } from '../../src/domain/job-status.ts';
import type { PropertyResult } from '../../src/domain/results.ts';
import type { StoredReport } from '../../src/domain/stored-report.ts';
import type { TrendPoint } from '../../src/domain/trend.ts';

export type { EstimateAnswer, JobView };
type FieldError = ValidationErrorAnswer['errors'][number];
export type Property = PropertyResult & { address?: string; city?: string };

/**
 * A report as GET /results returns it. Every section is optional here: reports written by earlier versions
 * lack newer sections, and sections the page does not know yet are rendered generically (ReportPage).
 */
export type Report = Partial<StoredReport['report']> &
  Pick<StoredReport['report'], 'portfolioId' | 'jobId' | 'analysisType' | 'generatedAt'> & {
    highlights?: Partial<Record<keyof StoredReport['report']['highlights'], Property[]>>;
    [section: string]: unknown;
  };

/** One kind of normalisation or data-quality finding in the API's dataQuality account, counted over the input. */
export type InputWarning = IntakeWarning;

const KEY_STORAGE = 'portfolio-analytics.function-key';

/** The function key kept for this browser tab (sessionStorage: gone when the tab closes). */
export function functionKey(): string {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

export function setFunctionKey(key: string): void {
  if (key.trim() === '') sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key.trim());
}

/** The input warnings of a refusal: its dataQuality account, when the refusal came from reading a file. */
function warningsOf(body: Record<string, unknown> | undefined): InputWarning[] {
  const quality = body?.dataQuality as ValidationErrorAnswer['dataQuality'];
  return quality?.warnings ?? [];
}

/** An answer other than 2xx, with the API's message and field errors (`{path, message}`). */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: FieldError[];
  readonly totalErrors: number;
  readonly warnings: InputWarning[];
  readonly body: Record<string, unknown> | undefined;
  constructor(status: number, body: Record<string, unknown> | undefined) {
    super(typeof body?.error === 'string' ? body.error : `The server answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.errors = Array.isArray(body?.errors) ? (body.errors as FieldError[]) : [];
    this.totalErrors = typeof body?.totalErrors === 'number' ? body.totalErrors : this.errors.length;
    this.warnings = warningsOf(body);
  }
}

type Query = Record<string, string | number | boolean | undefined>;

function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}

async function call<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: BodyInit; contentType?: string; headers?: Record<string, string> } = {},
): Promise<T> {
  const key = functionKey();
  const response = await fetch(url(path, options.query), {
    method,
    headers: {
      accept: 'application/json',
      'x-requested-with': 'XMLHttpRequest',
      ...(key && { 'x-functions-key': key }),
      ...(options.contentType && { 'content-type': options.contentType }),
      ...options.headers,
    },
    ...(options.body !== undefined && { body: options.body }),
  });
  const text = await response.text();
  let body: Record<string, unknown> | undefined;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    body = { error: text.slice(0, 300) || `HTTP ${response.status}` };
  }
  if (response.status === 401)
    throw new ApiError(401, {
      error:
        'Not authorised: enter the function key under "Access" (or sign in again when the app is behind App Service Authentication).',
    });
  if (!response.ok) throw new ApiError(response.status, body);
  return body as T;
}

const enc = encodeURIComponent;

export interface JobsFilter {
  portfolioId?: string;
  status?: string;
  from?: string;
  to?: string;
  pageSize?: number;
}

export interface PropertiesFilter {
  filter?: string;
  state?: string;
  propertyType?: string;
  search?: string;
  pageSize?: number;
}

/** A request body: JSON, or CSV with the request fields in the query string (the API's two forms). */
export type RequestBody =
  | { kind: 'json'; body: Record<string, unknown> }
  | { kind: 'csv'; text: string; fields: Record<string, string | number | boolean | undefined> };

function send(body: RequestBody) {
  return body.kind === 'json'
    ? { body: JSON.stringify(body.body), contentType: 'application/json' }
    : { body: body.text, contentType: 'text/csv', query: body.fields };
}

export const api = {
  jobs: (filter: JobsFilter, continuationToken?: string) =>
    call<{ jobs: JobView[]; continuationToken?: string }>('GET', '/portfolio/jobs', {
      query: { ...filter, continuationToken },
    }),
  job: async (jobId: string) => (await call<{ job: JobView }>('GET', `/portfolio/jobs/${enc(jobId)}`)).job,
  results: async (jobId: string) =>
    (await call<{ results: Report }>('GET', `/portfolio/jobs/${enc(jobId)}/results`)).results,
  properties: (jobId: string, filter: PropertiesFilter, continuationToken?: string) =>
    call<{ properties: Property[]; continuationToken?: string }>('GET', `/portfolio/jobs/${enc(jobId)}/properties`, {
      query: { ...filter, continuationToken },
    }),
  property: async (jobId: string, propertyId: string) =>
    (await call<{ property: Property }>('GET', `/portfolio/jobs/${enc(jobId)}/properties/${enc(propertyId)}`)).property,
  cancel: (jobId: string) => call<{ message: string }>('DELETE', `/portfolio/jobs/${enc(jobId)}`),
  trends: async (portfolioId: string) =>
    (await call<{ trend: TrendPoint[] }>('GET', `/portfolios/${enc(portfolioId)}/trends`)).trend,
  estimate: (body: RequestBody) => call<EstimateAnswer>('POST', '/portfolio/estimate', send(body)),
  analyze: (body: RequestBody, idempotencyKey: string) =>
    call<AnalyzeAccepted>('POST', '/portfolio/analyze', {
      ...send(body),
      headers: { 'idempotency-key': idempotencyKey },
    }),
};

/** Statuses before a job's end: the page polls while its job has one. */
export const IN_FLIGHT: ReadonlySet<string> = new Set(JOB_STATUSES.filter((s) => !isFinal(s)));
