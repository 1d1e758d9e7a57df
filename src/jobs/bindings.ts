// Binds job submission to the durable client and to storage.
import type { DurableClient, GetStatusOptions } from 'durable-functions';
import type { AppServices } from '../services.ts';
import type { RootInput } from '../workflow.ts';
import type { JobStore, Starter, SubmitStep } from './submit-job.ts';

export function durableStarter(client: DurableClient): Starter {
  const rootInput = async (instanceId: string) => {
    const status = await instanceStatus(client, instanceId, { showInput: true });
    return status === undefined ? undefined : (status.input as RootInput);
  };
  return {
    rootInput,
    async start(name, instanceId, input) {
      try {
        await client.startNew(name, { instanceId, input });
        return true;
      } catch (error) {
        // A concurrent submission with the same key started it first: that is the job.
        if ((await rootInput(instanceId)) === undefined) throw error;
        return false;
      }
    },
  };
}

/**
 * An instance's status, undefined when there is none. The durable client answers a missing instance by
 * throwing its "HTTP 404" error; every other failure is thrown on.
 */
export async function instanceStatus(client: DurableClient, instanceId: string, options?: GetStatusOptions) {
  try {
    return await client.getStatus(instanceId, options);
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
