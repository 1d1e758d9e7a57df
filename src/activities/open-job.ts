// openJob: the first step of every run. Marks the job document processing, creating it from the run's
// input when submission died between starting the orchestration and writing the document (issue 12.1:
// whatever instant the host dies, a started job has its document). Idempotent.
import type { JobStatus } from '../domain/job-status.ts';
import type { JobDocument, JobPatch } from '../storage/jobs-repository.ts';
import type { JobSpec, OpenJobInput, TapeReference, UnreadJobSpec } from '../workflow.ts';

/** What openJob reads and writes; src/app.ts binds it to the jobs container. */
export interface OpenJobPorts {
  /** Creates the document; false when it exists. */
  createJob(job: JobDocument): Promise<boolean>;
  updateJob(jobId: string, patch: JobPatch): Promise<void>;
  now(): Date;
}

/** The job document of a job as submitted, in `status`. */
export function jobDocumentFor(
  job: JobSpec,
  status: Extract<JobStatus, 'reading' | 'queued' | 'processing'>,
  now: Date,
): JobDocument {
  const at = now.toISOString();
  return {
    id: job.jobId,
    portfolioId: job.portfolioId,
    analysisType: job.analysisType,
    status,
    totalProperties: job.totalProperties,
    chunkCount: job.chunkCount,
    chunkSize: job.chunkSize,
    estimatedCost: job.estimatedCents / 100,
    ...(job.budgetCents !== undefined && { budget: job.budgetCents / 100 }),
    allowPartial: job.allowPartial,
    ...(job.idempotencyKey !== undefined && { idempotencyKey: job.idempotencyKey }),
    ...(job.requestFingerprint !== undefined && { requestFingerprint: job.requestFingerprint }),
    ...(job.dataQuality !== undefined && { dataQuality: job.dataQuality }),
    ...(job.stagingId !== undefined && { stagingId: job.stagingId }),
    createdAt: job.asOf,
    updatedAt: at,
  };
}

/**
 * The job document of a job whose tape (by reference) is still to be read: status reading, no properties and no
 * estimate yet (the read writes them: openJob, or endBeforeRun for a tape refused).
 */
export function readingDocumentFor(job: UnreadJobSpec, tape: Pick<TapeReference, 'blobName'>, now: Date): JobDocument {
  return {
    ...jobDocumentFor({ ...job, totalProperties: 0, chunkCount: 0, estimatedCents: 0 }, 'reading', now),
    propertiesBlob: tape.blobName,
  };
}

/**
 * Creates the job document in status processing, or moves the existing one to processing (a redrive counts itself),
 * with the job's counts and estimate: a document written before its tape was read (reading) has none yet.
 */
export async function openJob(input: OpenJobInput, ports: OpenJobPorts): Promise<void> {
  const { job } = input;
  if (await ports.createJob(jobDocumentFor(job, 'processing', ports.now()))) return;
  await ports.updateJob(job.jobId, {
    status: 'processing',
    totalProperties: job.totalProperties,
    chunkCount: job.chunkCount,
    chunkSize: job.chunkSize,
    estimatedCost: job.estimatedCents / 100,
    ...(job.dataQuality !== undefined && { dataQuality: job.dataQuality }),
    // A document written by a submission that re-attached to this run does not name the run's tape.
    ...(job.stagingId !== undefined && { stagingId: job.stagingId }),
    ...(input.redrive !== undefined && { redrives: input.redrive }),
  });
}
