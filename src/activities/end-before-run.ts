// endBeforeRun: the end of a job whose tape, submitted by reference, was never analysed — rejected after its 202
// (invalid, replaced or deleted, over budget without allowPartial) or cancelled while it was read. It deletes what
// the read staged (an over-budget tape was staged whole) and writes the end onto the job document: the final status,
// the time, the reason with its fix, the field errors and data-quality account a synchronous refusal would have
// answered, and for over budget the estimate. Nothing was bought: the job has no report. Idempotent.
import type { JobPatch } from '../storage/jobs-repository.ts';
import type { EndBeforeRunInput } from '../workflow.ts';

/** What endBeforeRun writes; src/app.ts binds it to the staging container and the jobs. */
export interface EndBeforeRunPorts {
  discardStaging(jobId: string, stagingId: string): Promise<unknown>;
  updateJob(jobId: string, patch: JobPatch): Promise<void>;
  now(): Date;
}

export async function endBeforeRun(input: EndBeforeRunInput, ports: EndBeforeRunPorts): Promise<void> {
  if (input.stagingId !== undefined) await ports.discardStaging(input.jobId, input.stagingId);
  const { rejection, estimate } = input;
  await ports.updateJob(input.jobId, {
    status: input.status,
    endTime: ports.now().toISOString(),
    statusReason: input.statusReason,
    ...(rejection !== undefined && { errors: rejection.errors, totalErrors: rejection.totalErrors }),
    ...(input.dataQuality !== undefined && { dataQuality: input.dataQuality }),
    ...(estimate !== undefined && {
      totalProperties: estimate.properties,
      estimatedCost: estimate.estimatedCents / 100,
      breakdown: estimate.breakdown,
    }),
  });
}
