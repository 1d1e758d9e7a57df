// Job documents (DESIGN §2.1, §3): one per job, partition key /id, so every access is a point read or a
// point write. Updates are read-modify-replace guarded by the document's etag and retried on 412.
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { jobStatusSchema } from '../domain/job-status.ts';
import { ANALYSIS_TYPES } from '../domain/schemas.ts';
import { parseStored } from './cosmos.ts';
import { ConcurrencyConflictError, DocumentNotFoundError, JobAlreadyExistsError, statusOf } from './errors.ts';

export const jobDocumentSchema = z.object({
  id: z.string().min(1),
  portfolioId: z.string().min(1),
  analysisType: z.enum(ANALYSIS_TYPES),
  status: jobStatusSchema,
  totalProperties: z.number().int().nonnegative(),
  chunkCount: z.number().int().nonnegative(),
  /** Dollars. */
  estimatedCost: z.number().nonnegative(),
  budget: z.number().nonnegative().optional(),
  allowPartial: z.boolean(),
  idempotencyKey: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  endTime: z.string().optional(),
  error: z.string().optional(),
  reportId: z.string().optional(),
});
export type JobDocument = z.infer<typeof jobDocumentSchema>;

/** Fields an update may change; `updatedAt` is set by the repository. */
export type JobPatch = Partial<Omit<JobDocument, 'id' | 'createdAt' | 'updatedAt'>>;
/** A patch, or a function of the current document returning one (recomputed on every retry). */
export type JobUpdate = JobPatch | ((current: JobDocument) => JobPatch | Promise<JobPatch>);

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
        ...current.document,
        ...withoutUndefined(patch),
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

  async #read(jobId: string): Promise<{ document: JobDocument; etag: string } | undefined> {
    const response = await this.#container.item(jobId, jobId).read<Record<string, unknown>>();
    if (response.statusCode === 404 || !response.resource) return undefined;
    return {
      document: parseStored(jobDocumentSchema, response.resource, `jobs/${jobId}`),
      etag: String(response.resource._etag ?? response.etag),
    };
  }
}

function withoutUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
