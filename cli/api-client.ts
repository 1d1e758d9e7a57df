// A small typed client of the Portfolio Analytics HTTP API, used by the CLI, the demo and the benches.
// Works against the local stack or an Azure deployment (function key sent as x-functions-key). Every
// answer is read through its schema in src/api/answers.ts, the definition the server builds its answers
// to: a server speaking another version of the contract fails here with the field that differs.
import { z } from 'zod';
import {
  analyzeAcceptedSchema,
  cancelAnswerSchema,
  errorAnswerSchema,
  estimateAnswerSchema,
  fieldErrorSchema,
  jobAnswerSchema,
  resultsAnswerSchema,
  type JobView,
} from '../src/api/answers.ts';
import type { StressRequest } from '../src/domain/stress.ts';
import { stressAnswerSchema } from '../src/jobs/job-stress.ts';

export interface ClientOptions {
  baseUrl: string;
  /** Function key for an Azure deployment. */
  key?: string | undefined;
}

/** A refusal's body: any error answer, with field errors when it has them. */
const refusalSchema = errorAnswerSchema.extend({ errors: z.array(fieldErrorSchema).optional() });

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    const refusal = refusalSchema.safeParse(body);
    const b = refusal.success ? refusal.data : undefined;
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

  /** Sends the request; answers the body read through `schema`; throws ApiError for a non-2xx answer. */
  async function call<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: string | Uint8Array,
    extra: Record<string, string> = {},
  ): Promise<z.output<S>> {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: headers(extra),
      // A copy over a plain ArrayBuffer: what fetch's BodyInit takes (a Buffer may sit on a shared one).
      ...(body !== undefined && { body: typeof body === 'string' ? body : new Uint8Array(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, parsed);
    const answer = schema.safeParse(parsed);
    if (!answer.success)
      throw new Error(
        `${method} ${path}: the answer does not match the API contract: ${z.prettifyError(answer.error)}`,
      );
    return answer.data;
  }

  const job = (jobId: string) => `/portfolio/jobs/${encodeURIComponent(jobId)}`;
  return {
    /** Submits a JSON request body or a tape (CSV or Excel, with the request fields in `query`). */
    analyze(
      body: string | Uint8Array,
      contentType: string,
      options: { query?: Record<string, string>; idempotencyKey?: string } = {},
    ) {
      const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
      return call(analyzeAcceptedSchema, 'POST', `/portfolio/analyze${query}`, body, {
        'content-type': contentType,
        ...(options.idempotencyKey && { 'idempotency-key': options.idempotencyKey }),
      });
    },
    /** The estimate of a JSON request body or a tape (request fields in `query`). */
    estimate: (body: string | Uint8Array, contentType: string, query?: Record<string, string>) =>
      call(
        estimateAnswerSchema,
        'POST',
        `/portfolio/estimate${query ? `?${new URLSearchParams(query).toString()}` : ''}`,
        body,
        { 'content-type': contentType },
      ),
    job: async (jobId: string): Promise<JobView> => (await call(jobAnswerSchema, 'GET', job(jobId))).job,
    results: async (jobId: string) => (await call(resultsAnswerSchema, 'GET', `${job(jobId)}/results`)).results,
    /** Stress scenarios on a finished job's stored values (no paid call). */
    stress: (jobId: string, request: StressRequest) =>
      call(stressAnswerSchema, 'POST', `${job(jobId)}/stress`, JSON.stringify(request), {
        'content-type': 'application/json',
      }),
    cancel: (jobId: string) => call(cancelAnswerSchema, 'DELETE', job(jobId)),
  };
}
export type ApiClient = ReturnType<typeof createApiClient>;
