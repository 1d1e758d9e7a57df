// Binds job submission to the durable client and to storage.
import type { DurableClient } from 'durable-functions';
import type { AppServices } from '../services.ts';
import type { JobStore, Starter } from './submit-job.ts';

export function durableStarter(client: DurableClient): Starter {
  return {
    async start(name, instanceId, input) {
      const existing = await client.getStatus(instanceId).catch(() => undefined);
      if (existing && ['Running', 'Pending', 'Suspended'].includes(String(existing.runtimeStatus))) return false;
      await client.startNew(name, { instanceId, input });
      return true;
    },
  };
}

export function jobStoreFor(services: AppServices): JobStore {
  const { jobs, staging } = services.storage;
  return {
    getJob: (jobId) => jobs.get(jobId),
    createJob: (job) => jobs.tryCreate(job),
    stageChunks: async (jobId, chunks, shared) => {
      await staging.stageChunks(jobId, chunks, shared);
    },
    markJobFailed: async (jobId, error) => {
      await jobs.update(jobId, { status: 'failed', error, endTime: new Date().toISOString() });
    },
  };
}
