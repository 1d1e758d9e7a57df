// submitTapeReference with an in-memory job store and orchestration starter: a request naming an uploaded tape is
// accepted before its tape is read — the root started with the tape to read first, then the job document in status
// reading — and an Idempotency-Key names one job whatever its status, another request under it being refused.
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config.ts';
import { referenceFingerprint } from '../../../src/jobs/request-fingerprint.ts';
import {
  jobIdFor,
  runOptionsOf,
  submitTapeReference,
  type JobStore,
  type Starter,
} from '../../../src/jobs/submit-job.ts';
import { ORCHESTRATIONS, type ReadAndAnalyzeInput, type RootInput } from '../../../src/workflow.ts';
import { memoryJobs, memoryStarter } from './memory-jobs.ts';

const settings = loadSettings({ CHUNK_SIZE: '10' });
const fields = {
  portfolioId: 'book',
  analysisType: 'risk' as const,
  priority: 'standard' as const,
  allowPartial: false,
};
const tape = { blobName: 'books/q4.csv', etag: '"0x1"', invalidRows: 'reject' as const };

function memory() {
  const log: string[] = [];
  const { jobs, getJob, createJob } = memoryJobs(log);
  const { started, starter } = memoryStarter<RootInput>(log);
  const store: JobStore = { getJob, createJob, discardStaging: async () => {} };
  return { log, jobs, started, store, starter };
}

/** The input of a request under `key` naming `blobName`. */
function input(key: string, blobName = tape.blobName): ReadAndAnalyzeInput {
  const reference = { ...tape, blobName };
  return {
    job: {
      jobId: jobIdFor(key),
      portfolioId: fields.portfolioId,
      analysisType: fields.analysisType,
      chunkSize: 10,
      allowPartial: false,
      idempotencyKey: key,
      requestFingerprint: referenceFingerprint(fields, reference),
      asOf: '2026-11-30T10:00:00.000Z',
    },
    tape: reference,
    options: runOptionsOf(settings),
  };
}

describe('submitTapeReference', () => {
  it('starts the root with the tape to read, then writes the document in status reading, with nothing counted yet', async () => {
    const m = memory();
    const outcome = await submitTapeReference(input('k1'), m.store, m.starter);
    expect(outcome).toEqual({ kind: 'accepted', jobId: jobIdFor('k1'), status: 'reading' });
    expect(m.log).toEqual(['start', 'document']);
    expect(m.started).toEqual([
      { name: ORCHESTRATIONS.portfolioAnalysis, instanceId: jobIdFor('k1'), input: input('k1') },
    ]);
    expect(m.jobs.get(jobIdFor('k1'))).toMatchObject({
      status: 'reading',
      propertiesBlob: 'books/q4.csv',
      totalProperties: 0,
      chunkCount: 0,
      estimatedCost: 0,
      requestFingerprint: input('k1').job.requestFingerprint,
      createdAt: '2026-11-30T10:00:00.000Z',
    });
  });

  it('answers the job of the key whatever its status; another request under the key is refused', async () => {
    const m = memory();
    await submitTapeReference(input('k2'), m.store, m.starter);
    m.jobs.set(jobIdFor('k2'), { ...m.jobs.get(jobIdFor('k2'))!, status: 'rejected' });
    expect(await submitTapeReference(input('k2'), m.store, m.starter)).toEqual({
      kind: 'existing',
      jobId: jobIdFor('k2'),
      status: 'rejected',
    });
    expect(await submitTapeReference(input('k2', 'books/other.csv'), m.store, m.starter)).toEqual({
      kind: 'key_reused',
      jobId: jobIdFor('k2'),
      portfolioId: 'book',
    });
    expect(m.started).toHaveLength(1);
  });

  it('a host that died after starting: the retry writes the reading document and starts nothing again', async () => {
    const m = memory();
    await m.starter.start(ORCHESTRATIONS.portfolioAnalysis, jobIdFor('k3'), input('k3'));
    expect(await submitTapeReference(input('k3'), m.store, m.starter)).toEqual({
      kind: 'existing',
      jobId: jobIdFor('k3'),
      status: 'reading',
    });
    expect(m.started).toHaveLength(1);
    expect(m.jobs.get(jobIdFor('k3'))?.status).toBe('reading');
  });

  it('a root started by another request under the key, its document not yet written: refused, the root’s document', async () => {
    const m = memory();
    await m.starter.start(ORCHESTRATIONS.portfolioAnalysis, jobIdFor('k4'), input('k4'));
    expect(await submitTapeReference(input('k4', 'books/other.csv'), m.store, m.starter)).toEqual({
      kind: 'key_reused',
      jobId: jobIdFor('k4'),
      portfolioId: 'book',
    });
    expect(m.jobs.get(jobIdFor('k4'))).toMatchObject({ status: 'reading', propertiesBlob: 'books/q4.csv' });
  });

  it('two first requests under one key at once: the one whose start the task hub refused answers the job', async () => {
    const m = memory();
    // It looked for the instance just before the other request started it.
    let looked = false;
    const racing: Starter = {
      ...m.starter,
      rootInput: async (instanceId) => (looked ? m.starter.rootInput(instanceId) : ((looked = true), undefined)),
    };
    await m.starter.start(ORCHESTRATIONS.portfolioAnalysis, jobIdFor('k5'), input('k5'));
    expect(await submitTapeReference(input('k5'), m.store, racing)).toEqual({
      kind: 'existing',
      jobId: jobIdFor('k5'),
      status: 'reading',
    });
    expect(m.started).toHaveLength(1);
  });

  it('fingerprints the reference, not the content: another blob name or reading option is another request', () => {
    const base = referenceFingerprint(fields, tape);
    expect(referenceFingerprint({ ...fields }, { ...tape, etag: '"0x2"' } as typeof tape)).toBe(base);
    expect(referenceFingerprint(fields, { ...tape, blobName: 'books/q5.csv' })).not.toBe(base);
    expect(referenceFingerprint(fields, { ...tape, invalidRows: 'skip' })).not.toBe(base);
    expect(referenceFingerprint({ ...fields, budget: 10 }, tape)).not.toBe(base);
  });
});
