// The status of a job (DESIGN §5), one list for the job document, the API, the orchestration and the CLI.
import { z } from 'zod';

/** queued until the orchestration starts; processing; then one final status. */
export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled', 'budget_exceeded'] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** Whether the job has its final status (it no longer changes). */
export function isFinal(status: JobStatus): boolean {
  return status !== 'queued' && status !== 'processing';
}
