// Job documents (DESIGN §2.1, §3): one per job, partition key /id, so every access is a point read or a
// point write. Updates are read-modify-replace guarded by the document's etag and retried on 412.
import type { Container, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import { z } from 'zod';
import { finalProgressSchema } from '../domain/job-progress.ts';
import { jobStatusSchema, type JobStatus } from '../domain/job-status.ts';
import { dataQualitySchema } from '../domain/data-quality.ts';
import { costBreakdownSchema } from '../domain/cost.ts';
import { tapeRejectionSchema } from '../domain/tape-rejection.ts';
import { ANALYSIS_TYPES } from '../domain/schemas.ts';
import { parseStored } from './cosmos.ts';
import { fetchPage, unwrapContinuation, wrapContinuation } from './continuation.ts';
import { ConcurrencyConflictError, DocumentNotFoundError, JobAlreadyExistsError, statusOf } from './errors.ts';

export const jobDocumentSchema = z.object({
  id: z.string().min(1),
  portfolioId: z.string().min(1),
  analysisType: z.enum(ANALYSIS_TYPES),
  status: jobStatusSchema,
  totalProperties: z.number().int().nonnegative(),
  chunkCount: z.number().int().nonnegative(),
  /** Properties per staged chunk (a redrive reads the chunks again with it). */
  chunkSize: z.number().int().positive().optional(),
  /** Dollars. */
  estimatedCost: z.number().nonnegative(),
  budget: z.number().nonnegative().optional(),
  allowPartial: z.boolean(),
  idempotencyKey: z.string().optional(),
  /** How the request's properties were read: rows skipped, normalisations (absent for stored portfolios). */
  dataQuality: dataQualitySchema.optional(),
  /** The digest of the request that created the job (src/jobs/request-fingerprint.ts). */
  requestFingerprint: z.string().optional(),
  /** The uploaded tape a request by reference named (its blob name in the uploads container). */
  propertiesBlob: z.string().optional(),
  /** A rejected job's field errors (the 400 a synchronous read would have answered), at most 100 listed. */
  errors: tapeRejectionSchema.shape.errors.optional(),
  totalErrors: tapeRejectionSchema.shape.totalErrors.optional(),
  /** A job rejected over budget: its estimate's breakdown. */
  breakdown: costBreakdownSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  endTime: z.string().optional(),
  error: z.string().optional(),
  /** Why a job ended short of its portfolio (cancelled, terminated, stopped by the budget), in words. */
  statusReason: z.string().optional(),
  /** Redrives started so far (POST /api/portfolio/jobs/{jobId}/redrive). */
  redrives: z.number().int().nonnegative().optional(),
  /** The folder the job's tape was staged in (blob-staging.ts); absent for jobs staged before folders. */
  stagingId: z.string().optional(),
  reportId: z.string().optional(),
  /**
   * The jobProgress entity's final counts and cost, copied here before the task hub purge removes the entity
   * (src/functions/purge-history.ts), so the job view of a purged job still shows them.
   */
  finalProgress: finalProgressSchema.optional(),
});
export type JobDocument = z.infer<typeof jobDocumentSchema>;

/** What a run's end writes: a redrive removes them as it reopens the job, so its run's end is the only one read. */
type EndField = 'endTime' | 'error' | 'statusReason';

/**
 * Fields an update may change (an undefined value leaves a field as it is); `updatedAt` is set by the repository.
 * The end's fields may also be null: the field is removed.
 */
export type JobPatch = Partial<Omit<JobDocument, 'id' | 'createdAt' | 'updatedAt' | EndField>> & {
  [K in EndField]?: JobDocument[K] | null;
};
/** A patch, or a function of the current document returning one (recomputed on every retry). */
export type JobUpdate = JobPatch | ((current: JobDocument) => JobPatch | Promise<JobPatch>);

/** What GET /api/portfolio/jobs filters on; every field narrows the list. */
export interface JobListFilter {
  portfolioId?: string | undefined;
  /** Document statuses to keep (any of them). */
  statuses?: readonly JobStatus[] | undefined;
  /** ISO date-times: jobs created at or after `from` and strictly before `to`. */
  from?: string | undefined;
  to?: string | undefined;
}

export interface JobListPage {
  /** Newest first (by createdAt). */
  items: JobDocument[];
  /** Present when more jobs may follow; pass it back unchanged with the same filter. */
  continuationToken?: string;
}

export interface JobsRepositoryOptions {
  container: Container;
  /** Read-modify-replace attempts before ConcurrencyConflictError. Default 10. */
  maxUpdateAttempts?: number;
  now?: () => Date;
}

export class JobsRepository {
  readonly #container: Container;
  readonly #maxAttempts: number;
  readonly #now: () => Date;

  constructor(options: JobsRepositoryOptions) {
    this.#container = options.container;
    this.#maxAttempts = options.maxUpdateAttempts ?? 10;
    this.#now = options.now ?? (() => new Date());
  }

  /** Creates the job document. Throws JobAlreadyExistsError when a job with this id exists. */
  async create(job: JobDocument): Promise<JobDocument> {
    const document = jobDocumentSchema.parse(job);
    try {
      await this.#container.items.create(document);
    } catch (error) {
      if (statusOf(error) === 409) throw new JobAlreadyExistsError(document.id, { cause: error });
      throw error;
    }
    return document;
  }

  /** create(), answering false instead of throwing when the job exists (the JobStore contract of submitJob). */
  async tryCreate(job: JobDocument): Promise<boolean> {
    try {
      await this.create(job);
      return true;
    } catch (error) {
      if (error instanceof JobAlreadyExistsError) return false;
      throw error;
    }
  }

  /** Point read; undefined when there is no such job. */
  async get(jobId: string): Promise<JobDocument | undefined> {
    return (await this.#read(jobId))?.document;
  }

  /**
   * Applies `update` to the current document and replaces it if its etag is unchanged; on 412 (a concurrent
   * writer won) reads again and re-applies, up to maxUpdateAttempts. Returns the stored document.
   */
  async update(jobId: string, update: JobUpdate, options: { maxAttempts?: number } = {}): Promise<JobDocument> {
    const attempts = options.maxAttempts ?? this.#maxAttempts;
    let lastConflict: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = await this.#read(jobId);
      if (!current) throw new DocumentNotFoundError('jobs', jobId);
      const patch = typeof update === 'function' ? await update(current.document) : update;
      const next = jobDocumentSchema.parse({
        ...applyJobPatch(current.document, patch),
        id: jobId,
        updatedAt: this.#now().toISOString(),
      });
      try {
        await this.#container
          .item(jobId, jobId)
          .replace(next, { accessCondition: { type: 'IfMatch', condition: current.etag } });
        return next;
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) throw new DocumentNotFoundError('jobs', jobId, { cause: error });
        if (status !== 412) throw error;
        lastConflict = error;
        await delay(Math.min(50, 2 ** attempt) * Math.random());
      }
    }
    throw new ConcurrencyConflictError('jobs', jobId, attempts, { cause: lastConflict });
  }

  /**
   * One page of jobs, newest first, under `filter`. A cross-partition query (the container is partitioned by
   * job id); a page may hold fewer than `pageSize` jobs even when more follow (Cosmos semantics). Throws
   * InvalidContinuationTokenError for a token that is not this query's.
   */
  async list(
    filter: JobListFilter,
    options: { pageSize: number; continuationToken?: string | undefined },
  ): Promise<JobListPage> {
    const conditions: string[] = [];
    const parameters: SqlParameter[] = [];
    if (filter.portfolioId !== undefined) {
      conditions.push('c.portfolioId = @portfolioId');
      parameters.push({ name: '@portfolioId', value: filter.portfolioId });
    }
    if (filter.statuses !== undefined) {
      conditions.push('ARRAY_CONTAINS(@statuses, c.status)');
      parameters.push({ name: '@statuses', value: [...filter.statuses] });
    }
    if (filter.from !== undefined) {
      conditions.push('c.createdAt >= @from');
      parameters.push({ name: '@from', value: filter.from });
    }
    if (filter.to !== undefined) {
      conditions.push('c.createdAt < @to');
      parameters.push({ name: '@to', value: filter.to });
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    const spec: SqlQuerySpec = { query: `SELECT * FROM c${where} ORDER BY c.createdAt DESC`, parameters };
    const inner =
      options.continuationToken === undefined ? undefined : unwrapContinuation(options.continuationToken, spec);
    const iterator = this.#container.items.query<Record<string, unknown>>(spec, {
      maxItemCount: options.pageSize,
      ...(inner !== undefined && { continuationToken: inner }),
    });
    const response = await fetchPage(iterator, inner !== undefined);
    const items = response.resources.map((r) => parseStored(jobDocumentSchema, r, `jobs/${String(r.id)}`));
    const next = response.continuationToken;
    return {
      items,
      ...(next && response.hasMoreResults && { continuationToken: wrapContinuation(next, spec) }),
    };
  }

  async #read(jobId: string): Promise<{ document: JobDocument; etag: string } | undefined> {
    const response = await this.#container.item(jobId, jobId).read<Record<string, unknown>>();
    if (response.statusCode === 404 || !response.resource) return undefined;
    return {
      document: parseStored(jobDocumentSchema, response.resource, `jobs/${jobId}`),
      etag: String(response.resource._etag ?? response.etag),
    };
  }
}

/** `document` with `patch` applied as update() applies it: undefined leaves a field, null removes it. */
export function applyJobPatch(document: JobDocument, patch: JobPatch): JobDocument {
  const next: Record<string, unknown> = { ...document };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next as JobDocument;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
