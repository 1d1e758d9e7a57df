// submitJob with an in-memory job store, blob staging and orchestration starter: a request over its budget
// starts and writes nothing and deletes what it staged; an Idempotency-Key names one job, started once,
// whatever instant a first submission died at (another request under the same key is refused); a
// submission's tape is staged (with the identities its propertyIds share) before it starts portfolioAnalysis
// with a small input naming the staging folder, then writes the document, in that order. Prices: avm-primary
// 2 cents, avm-secondary 3, AI review 5, risk 1, so a comprehensive property costs at most 11 cents and 25 of
// them $2.75.
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import { stageProperties, type ChunkStaging } from '../../../src/jobs/chunk-stager.ts';
import {
  jobIdFor,
  resubmissionOutcome,
  submitJob,
  type JobRequest,
  type JobStore,
  type Starter,
} from '../../../src/jobs/submit-job.ts';
import { ORCHESTRATIONS, type PortfolioAnalysisInput } from '../../../src/workflow.ts';
import { property } from '../activities/chunk-world.ts';
import { memoryJobs, memoryStarter } from './memory-jobs.ts';

const settings = loadSettings({
  CHUNK_SIZE: '10',
  AVM_CASCADE: 'avm-primary,avm-secondary',
  AVM_PRICES: 'avm-secondary=0.03',
  MAX_CONCURRENT_CHUNKS: '4',
  RETRY_PASSES: '1',
  MAX_FAILURE_RATE: '0.1',
});
const properties: Property[] = Array.from({ length: 25 }, (_, i) => property(i + 1));
const asOf = new Date('2026-11-02T08:00:00.000Z');

/** The job documents, staged chunks and orchestration instances of one test; `log` says in which order. */
function memory() {
  const log: string[] = [];
  const { jobs, getJob, createJob } = memoryJobs(log);
  /** Staging folders by `jobId/stagingId`. */
  const staged = new Map<string, { chunks: Property[][]; shared?: string[] }>();
  // Submissions of a staged tape start its run (a tape by reference is submitted by submitTapeReference).
  const { started, starter } = memoryStarter<PortfolioAnalysisInput>(log);
  const store: JobStore = {
    getJob,
    createJob,
    discardStaging: async (jobId, stagingId) => {
      log.push('discard');
      staged.delete(`${jobId}/${stagingId}`);
    },
  };
  const folder = (jobId: string, stagingId: string) => {
    const key = `${jobId}/${stagingId}`;
    if (!staged.has(key)) staged.set(key, { chunks: [] });
    return staged.get(key)!;
  };
  const staging: ChunkStaging = {
    stageChunk: async (jobId, stagingId, index, chunk) => {
      folder(jobId, stagingId).chunks[index] = [...chunk];
    },
    stageSharedIdentities: async (jobId, stagingId, identities) => {
      log.push('stage');
      folder(jobId, stagingId).shared = [...identities];
    },
    discardStaging: (jobId, stagingId) => store.discardStaging(jobId, stagingId),
  };
  const step = (s: string) => log.push(`step ${s}`);
  /** The request of `overrides` with `list` staged as a submission stages it (under the key's job id). */
  const request = async (
    overrides: Partial<Omit<JobRequest, 'tape'>> = {},
    list: readonly Property[] = properties,
  ): Promise<JobRequest> => {
    const jobId = overrides.jobId ?? jobIdFor(overrides.idempotencyKey);
    const tape = await stageProperties(staging, jobId, list, settings.chunking.chunkSize);
    return {
      jobId,
      portfolioId: 'PF-submit',
      analysisType: 'comprehensive',
      tape,
      allowPartial: false,
      asOf,
      ...overrides,
    };
  };
  return { log, jobs, staged, started, store, starter, step, request };
}

/** A host that dies right after `step`. */
const diesAfter = (step: string) => (s: string) => {
  if (s === step) throw new Error(`host died after ${step}`);
};

describe('submitJob', () => {
  it('stages the chunks, starts portfolioAnalysis with ids, counts and prices only, then writes the document', async () => {
    const m = memory();
    const outcome = await submitJob(await m.request(), settings, m.store, m.starter, m.step);
    expect(outcome).toMatchObject({ kind: 'started', estimatedCost: 2.75, breakdown: { properties: 25, total: 2.75 } });
    const { jobId } = outcome as { jobId: string };
    expect(m.log).toEqual(['stage', 'step staging', 'start', 'step start', 'document', 'step document']);
    const stagingId = m.started[0]!.input.job.stagingId!;
    expect(m.staged.get(`${jobId}/${stagingId}`)?.chunks.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(m.started).toEqual([
      {
        name: ORCHESTRATIONS.portfolioAnalysis,
        instanceId: jobId,
        input: {
          job: {
            jobId,
            portfolioId: 'PF-submit',
            analysisType: 'comprehensive',
            totalProperties: 25,
            chunkCount: 3,
            chunkSize: 10,
            stagingId,
            estimatedCents: 275,
            allowPartial: false,
            asOf: asOf.toISOString(),
          },
          options: {
            lanes: 4,
            prices: {
              avm: [
                { provider: 'avm-primary', cents: 2 },
                { provider: 'avm-secondary', cents: 3 },
              ],
              review: 5,
              risk: 1,
            },
            maxFailureRate: 0.1,
            retryPasses: 1,
          },
          run: { kind: 'analysis' },
        },
      },
    ]);
    // Property lists never travel through orchestration history.
    expect(JSON.stringify(m.started)).not.toContain('Main St');
    expect(m.jobs.get(jobId)).toMatchObject({
      portfolioId: 'PF-submit',
      status: 'queued',
      totalProperties: 25,
      chunkCount: 3,
      chunkSize: 10,
      stagingId,
      estimatedCost: 2.75,
      createdAt: asOf.toISOString(),
    });
  });

  it('refuses an estimate over the budget, starting and writing nothing and deleting what it staged', async () => {
    const m = memory();
    const outcome = await submitJob(await m.request({ budget: 2.74 }), settings, m.store, m.starter, m.step);
    expect(outcome).toMatchObject({
      kind: 'over_budget',
      estimatedCost: 2.75,
      budget: 2.74,
      over: { rejection: { errors: [{ path: 'budget' }], totalErrors: 1 } },
    });
    expect(m.log).toEqual(['stage', 'discard']);
    expect(m.staged.size).toBe(0);
    // The estimate itself fits.
    expect((await submitJob(await m.request({ budget: 2.75 }), settings, m.store, m.starter)).kind).toBe('started');
  });

  it('with allowPartial, starts a job its budget cannot cover and carries the budget in cents', async () => {
    const m = memory();
    const outcome = await submitJob(
      await m.request({ budget: 1.25, allowPartial: true }),
      settings,
      m.store,
      m.starter,
    );
    expect(outcome.kind).toBe('started');
    expect(m.started[0]?.input.job).toMatchObject({ budgetCents: 125, allowPartial: true });
    expect(m.jobs.get(m.started[0]!.instanceId)).toMatchObject({ budget: 1.25, allowPartial: true });
  });

  it('gives an Idempotency-Key one job, started once: the same request answers it, another is refused', async () => {
    const m = memory();
    const keyed = (overrides: Partial<JobRequest>, list?: Property[]) =>
      m.request({ idempotencyKey: 'order-42', ...overrides }, list);
    const first = await submitJob(await keyed({ requestFingerprint: 'sha256:a' }), settings, m.store, m.starter);
    const jobId = jobIdFor('order-42');
    expect(first).toMatchObject({ kind: 'started', jobId });
    expect(m.jobs.get(jobId)).toMatchObject({ idempotencyKey: 'order-42', requestFingerprint: 'sha256:a' });
    const logged = m.log.length;

    // The same request again: the job as it was estimated.
    const again = await submitJob(await keyed({ requestFingerprint: 'sha256:a' }), settings, m.store, m.starter);
    expect(again).toMatchObject({ kind: 'existing', jobId, estimatedCost: 2.75 });
    // Another request under the same key (fewer properties, another portfolio): refused, naming the job.
    const other = await keyed({ portfolioId: 'PF-other', requestFingerprint: 'sha256:b' }, properties.slice(0, 5));
    expect(await submitJob(other, settings, m.store, m.starter)).toEqual({
      kind: 'key_reused',
      jobId,
      portfolioId: 'PF-submit',
    });
    // Each answered from the job as it is, the tape each staged deleted: one folder is left, the job's.
    expect(m.log.slice(logged)).toEqual(['stage', 'discard', 'stage', 'discard']);
    expect([...m.staged.keys()]).toEqual([`${jobId}/${m.started[0]!.input.job.stagingId}`]);
    expect(jobIdFor(undefined)).not.toBe(jobIdFor(undefined));
  });

  it('answers a keyed retry read without staging (resubmissionOutcome) as submitJob answers one', async () => {
    const m = memory();
    await submitJob(
      await m.request({ idempotencyKey: 'order-43', requestFingerprint: 'sha256:a' }),
      settings,
      m.store,
      m.starter,
    );
    const job = (await m.store.getJob(jobIdFor('order-43')))!;
    const retry = { analysisType: 'comprehensive' as const, count: 25 };
    expect(resubmissionOutcome(job, { ...retry, requestFingerprint: 'sha256:a' }, settings)).toMatchObject({
      kind: 'existing',
      jobId: job.id,
      estimatedCost: 2.75,
      breakdown: { properties: 25, total: 2.75 },
    });
    expect(resubmissionOutcome(job, { ...retry, count: 5, requestFingerprint: 'sha256:b' }, settings)).toEqual({
      kind: 'key_reused',
      jobId: job.id,
      portfolioId: 'PF-submit',
    });
  });

  it('a host that died after starting: the resubmission writes the document and starts nothing again', async () => {
    const m = memory();
    const keyed = { idempotencyKey: 'order-7', requestFingerprint: 'sha256:c' };
    const first = await m.request(keyed);
    await expect(submitJob(first, settings, m.store, m.starter, diesAfter('start'))).rejects.toThrow('host died');
    expect(m.log).toEqual(['stage', 'start']);
    const again = await submitJob(await m.request(keyed), settings, m.store, m.starter);
    expect(again).toMatchObject({ kind: 'existing', jobId: jobIdFor('order-7'), estimatedCost: 2.75 });
    expect(m.log).toEqual(['stage', 'start', 'stage', 'document', 'discard']);
    // The document is the job its root runs: the first submission's folder, not the resubmission's (deleted).
    expect(m.jobs.get(jobIdFor('order-7'))).toMatchObject({
      status: 'queued',
      stagingId: first.tape.stagingId,
      totalProperties: 25,
      idempotencyKey: 'order-7',
      requestFingerprint: 'sha256:c',
    });
    expect([...m.staged.keys()]).toEqual([`${jobIdFor('order-7')}/${first.tape.stagingId}`]);
  });

  it('a host that died after starting, then another request under its key: refused, the document the root’s', async () => {
    const m = memory();
    const first = await m.request({ idempotencyKey: 'order-9', requestFingerprint: 'sha256:d' });
    await expect(submitJob(first, settings, m.store, m.starter, diesAfter('start'))).rejects.toThrow('host died');
    const other = await m.request(
      { idempotencyKey: 'order-9', portfolioId: 'PF-other', requestFingerprint: 'sha256:e' },
      properties.slice(0, 5),
    );
    expect(await submitJob(other, settings, m.store, m.starter)).toEqual({
      kind: 'key_reused',
      jobId: jobIdFor('order-9'),
      portfolioId: 'PF-submit',
    });
    expect(m.jobs.get(jobIdFor('order-9'))).toMatchObject({
      portfolioId: 'PF-submit',
      totalProperties: 25,
      stagingId: first.tape.stagingId,
    });
  });

  it('two first submissions under one key at once: one job; the other answers it or is refused, its tape deleted', async () => {
    for (const [fingerprint, kind] of [
      ['sha256:f', 'existing'],
      ['sha256:g', 'key_reused'],
    ] as const) {
      const m = memory();
      const key = `order-race-${kind}`;
      // The winner has started the job and not yet written its document.
      const winner = await m.request({ idempotencyKey: key, requestFingerprint: 'sha256:f' });
      await expect(submitJob(winner, settings, m.store, m.starter, diesAfter('start'))).rejects.toThrow();
      // The loser looked for the instance just before the winner started it, so it starts too, and the task hub
      // refuses the second start.
      let looked = false;
      const racing: Starter = {
        ...m.starter,
        rootInput: async (instanceId) => (looked ? m.starter.rootInput(instanceId) : ((looked = true), undefined)),
      };
      const loser = await m.request({ idempotencyKey: key, requestFingerprint: fingerprint }, properties.slice(0, 5));
      expect((await submitJob(loser, settings, m.store, racing)).kind).toBe(kind);
      expect(m.started).toHaveLength(1);
      // The document is the winner's job (25 properties, its folder), and the loser's folder is deleted.
      expect(m.jobs.get(winner.jobId)).toMatchObject({
        totalProperties: 25,
        stagingId: winner.tape.stagingId,
        requestFingerprint: 'sha256:f',
      });
      expect([...m.staged.keys()]).toEqual([`${winner.jobId}/${winner.tape.stagingId}`]);
    }
  });

  it('a host that died after staging started nothing: the resubmission stages again and starts the job', async () => {
    const m = memory();
    const keyed = { idempotencyKey: 'order-8' };
    const first = await m.request(keyed);
    await expect(submitJob(first, settings, m.store, m.starter, diesAfter('staging'))).rejects.toThrow('host died');
    expect(m.started).toEqual([]);
    expect((await submitJob(await m.request(keyed), settings, m.store, m.starter)).kind).toBe('started');
    expect(m.log).toEqual(['stage', 'stage', 'start', 'document']);
  });

  it('a start the durable client refuses leaves no document', async () => {
    const m = memory();
    const refusing: Starter = { ...m.starter, start: () => Promise.reject(new Error('task hub unreachable')) };
    await expect(submitJob(await m.request(), settings, m.store, refusing)).rejects.toThrow('task hub unreachable');
    expect(m.log).toEqual(['stage']);
    expect(m.jobs.size).toBe(0);
  });

  it('stages the identities its propertyIds share, so that they share no paid answer', async () => {
    const m = memory();
    const twin = { ...property(5), propertyId: 'P5-twin' };
    const unit = property(6, { address: '6 Main St', unit: '4B' });
    const submitted = await m.request({}, [...properties, twin, unit]);
    const outcome = await submitJob(submitted, settings, m.store, m.starter);
    const { jobId } = outcome as { jobId: string };
    const folder = m.staged.get(`${jobId}/${submitted.tape.stagingId}`);
    expect(folder?.shared).toEqual(['78701|5 MAIN ST']);
    expect(folder?.chunks.map((c) => c.length)).toEqual([10, 10, 7]);
  });
});
