// redriveJob's refusals that the pipeline tests do not reach: a job whose jobProgress entity the task hub purge
// removed is refused without writing or starting anything (its run would reserve on an entity that is gone).
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config.ts';
import { redriveJob, redriveRequestSchema, type RedrivePorts } from '../../../src/jobs/redrive-job.ts';
import type { JobDocument } from '../../../src/storage/jobs-repository.ts';

const finishedJob: JobDocument = {
  id: 'job-r',
  portfolioId: 'PF-r',
  analysisType: 'risk',
  status: 'completed',
  totalProperties: 20,
  chunkCount: 2,
  chunkSize: 10,
  estimatedCost: 0.6,
  allowPartial: false,
  createdAt: '2026-10-01T10:00:00.000Z',
  updatedAt: '2026-10-01T10:05:00.000Z',
  endTime: '2026-10-01T10:05:00.000Z',
};

/** The job document in memory, updated as the repository does (the update sees the current document). */
function portsOver(document: JobDocument): { calls: { writes: number; starts: number }; ports: RedrivePorts } {
  const calls = { writes: 0, starts: 0 };
  return {
    calls,
    ports: {
      updateJob: (_jobId, update) => {
        const patch = update(document);
        calls.writes++;
        return Promise.resolve({ ...document, ...patch });
      },
      start: () => {
        calls.starts++;
        return Promise.resolve();
      },
    },
  };
}

describe('redriveJob', () => {
  const settings = loadSettings({});
  const request = redriveRequestSchema.parse({});

  it('starts the next redrive of a finished job', async () => {
    const { ports, calls } = portsOver(finishedJob);
    expect(await redriveJob('job-r', request, 0.2, settings, ports)).toEqual({
      kind: 'started',
      redrive: 1,
      include: 'failed',
    });
    expect(calls).toEqual({ writes: 1, starts: 1 });
  });

  it('refuses a job the task hub purge reached, writing and starting nothing', async () => {
    const purged: JobDocument = {
      ...finishedJob,
      finalProgress: {
        processed: 20,
        failed: 3,
        cached: 0,
        reservedCents: 0,
        actualCents: 20,
        unconfirmedCents: 0,
        startTime: '2026-10-01T10:00:01.000Z',
      },
    };
    const { ports, calls } = portsOver(purged);
    const outcome = await redriveJob('job-r', request, 0.2, settings, ports);
    expect(outcome).toMatchObject({ kind: 'not_redrivable' });
    expect(outcome.kind === 'not_redrivable' && outcome.reason).toMatch(/purged .*PURGE_RETENTION_DAYS.*submit/);
    expect(calls).toEqual({ writes: 0, starts: 0 });
  });
});
