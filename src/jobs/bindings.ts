// Binds job submission to the durable client and to storage.
import type { DurableClient } from 'durable-functions';
import type { AppServices } from '../services.ts';
import type { JobStore, Starter, SubmitStep } from './submit-job.ts';

export function durableStarter(client: DurableClient): Starter {
  const exists = async (instanceId: string) => (await instanceStatus(client, instanceId)) !== undefined;
  return {
    exists,
    async start(name, instanceId, input) {
      try {
        await client.startNew(name, { instanceId, input });
      } catch (error) {
        // A concurrent submission with the same key started it first: that is the job.
        if (!(await exists(instanceId))) throw error;
      }
    },
  };
}

/**
 * An instance's status, undefined when there is none. The durable client answers a missing instance by
 * throwing its "HTTP 404" error; every other failure is thrown on.
 */
export async function instanceStatus(client: DurableClient, instanceId: string) {
  try {
    return await client.getStatus(instanceId);
  } catch (error) {
    if (error instanceof Error && /HTTP 404/.test(error.message)) return undefined;
    throw error;
  }
}

export function jobStoreFor(services: AppServices): JobStore {
  const { jobs, staging } = services.storage;
  return {
    getJob: (jobId) => jobs.get(jobId),
    createJob: (job) => jobs.tryCreate(job),
    discardStaging: (jobId, stagingId) => staging.discardStaging(jobId, stagingId),
  };
}

/** The chaos switch of submission tests: the host kills itself after the configured step, as a crash would. */
export function chaosAfterStep(services: AppServices): (step: SubmitStep) => void {
  const exitAfter = services.settings.pipeline.chaosExitAfterSubmitStep;
  return (step) => {
    if (step === exitAfter) process.kill(process.pid, 'SIGKILL');
  };
}
