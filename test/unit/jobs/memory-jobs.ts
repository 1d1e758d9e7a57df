// Job documents and root instances in memory, as the jobs repository and the task hub keep them, for the unit tests
// of submission and of readTape. Each write is logged ('document', 'start') so that a test can check the order.
import type { Starter } from '../../../src/jobs/submit-job.ts';
import type { JobDocument } from '../../../src/storage/jobs-repository.ts';
import type { RootInput } from '../../../src/workflow.ts';

/** Job documents by id: a document is created once (createJob answers false for an id that has one). */
export function memoryJobs(log: string[]) {
  const jobs = new Map<string, JobDocument>();
  return {
    jobs,
    getJob: async (jobId: string) => jobs.get(jobId),
    createJob: async (job: JobDocument) => {
      log.push('document');
      if (jobs.has(job.id)) return false;
      jobs.set(job.id, job);
      return true;
    },
  };
}

/** Root instances: an instance id starts once (start answers false for an id that has one), its input kept. */
export function memoryStarter<Input extends RootInput>(log: string[]) {
  const started: Array<{ name: string; instanceId: string; input: Input }> = [];
  const starter: Starter = {
    rootInput: async (instanceId) => started.find((s) => s.instanceId === instanceId)?.input,
    start: async (name, instanceId, input) => {
      log.push('start');
      if (started.some((s) => s.instanceId === instanceId)) return false;
      started.push({ name, instanceId, input: structuredClone(input) as Input });
      return true;
    },
  };
  return { started, starter };
}
