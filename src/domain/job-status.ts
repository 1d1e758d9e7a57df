// The status of a job (DESIGN §5), one list for the job document, the API, the orchestration and the CLI.
import { z } from 'zod';

/**
 * reading (a tape submitted by reference, `propertiesBlob`, is read, validated and staged by the job's first
 * activity), queued until the orchestration starts, processing; then one final status. `rejected` is the end of
 * a job whose tape was refused after its 202 (invalid, replaced or deleted, or over budget without allowPartial):
 * nothing was analysed and nothing spent, and it has no report.
 */
export const JOB_STATUSES = [
  'reading',
  'queued',
  'processing',
  'completed',
  'failed',
  'cancelled',
  'budget_exceeded',
  'rejected',
] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** The statuses a job has before its end. */
const IN_FLIGHT: ReadonlySet<JobStatus> = new Set(['reading', 'queued', 'processing']);

/** Whether the job has its final status (it no longer changes). */
export function isFinal(status: JobStatus): boolean {
  return !IN_FLIGHT.has(status);
}
