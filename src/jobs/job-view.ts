// What GET /api/portfolio/jobs/{jobId} answers: the job document, the live jobProgress entity and the
// orchestration status, folded into the seed's shape (DESIGN §5).
import type { DataQuality } from '../domain/data-quality.ts';
import type { JobProgress } from '../domain/job-progress.ts';
import { estimatedSecondsRemaining } from '../domain/job-progress.ts';
import type { JobStatus } from '../domain/job-status.ts';

export interface JobDocumentView {
  id: string;
  portfolioId: string;
  analysisType: string;
  status: JobStatus;
  totalProperties: number;
  estimatedCost: number;
  budget?: number | undefined;
  createdAt: string;
  endTime?: string | undefined;
  error?: string | undefined;
  dataQuality?: DataQuality | undefined;
  /** Set once the task hub purge removed the job's jobProgress entity. */
  finalProgress?: Pick<JobProgress, 'processed' | 'failed' | 'cached' | 'reservedCents' | 'actualCents' | 'startTime'>;
}

/** Orchestration runtime status as the durable client reports it. */
export type RuntimeStatus =
  | 'Pending'
  | 'Running'
  | 'Completed'
  | 'ContinuedAsNew'
  | 'Failed'
  | 'Canceled'
  | 'Terminated'
  | 'Suspended'
  | 'Unknown';

/** The job's status: final once the job document says so, else from the orchestration's state. */
export function jobStatusOf(job: JobDocumentView, runtime: RuntimeStatus | undefined): JobStatus {
  if (job.status !== 'queued' && job.status !== 'processing') return job.status;
  switch (runtime) {
    case 'Running':
    case 'Suspended':
    case 'ContinuedAsNew':
      return 'processing';
    case 'Completed':
      return 'processing'; // the report is being written; the document turns final right after
    case 'Failed':
      return 'failed';
    case 'Terminated':
    case 'Canceled':
      return 'cancelled';
    default:
      return 'queued';
  }
}

const dollars = (cents: number) => Math.round(cents) / 100;

/**
 * The job as the API shows it. Counts and cost come from the live jobProgress entity, or, once the task hub
 * purge removed it, from the copy on the job document.
 */
export function jobView(job: JobDocumentView, live: JobProgress | undefined, runtime: RuntimeStatus | undefined) {
  const status = jobStatusOf(job, runtime);
  const progress = live ?? job.finalProgress;
  const processed = progress?.processed ?? 0;
  const total = job.totalProperties;
  const remaining = live && status === 'processing' ? estimatedSecondsRemaining(live) : undefined;
  return {
    jobId: job.id,
    portfolioId: job.portfolioId,
    analysisType: job.analysisType,
    status,
    progress: {
      total,
      processed,
      failed: progress?.failed ?? 0,
      cached: progress?.cached ?? 0,
      percentComplete: total === 0 ? 100 : Math.round((processed / total) * 1000) / 10,
    },
    cost: {
      estimated: job.estimatedCost,
      reserved: dollars(progress?.reservedCents ?? 0),
      actual: dollars(progress?.actualCents ?? 0),
      ...(job.budget !== undefined && { budget: job.budget }),
    },
    startTime: progress?.startTime ?? job.createdAt,
    ...(job.endTime !== undefined && { endTime: job.endTime }),
    ...(remaining !== undefined && { estimatedTimeRemaining: remaining }),
    ...(job.error !== undefined && { error: job.error }),
    ...(job.dataQuality !== undefined && { dataQuality: job.dataQuality }),
  };
}
