import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyConflictError, DocumentNotFoundError, JobAlreadyExistsError } from '../../../src/storage/errors.ts';
import type { JobDocument, JobsRepository } from '../../../src/storage/jobs-repository.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';

let t: TestStorage;
let jobs: JobsRepository;
beforeAll(async () => {
  t = await openTestStorage('jobs');
  jobs = t.storage.jobs;
});
afterAll(() => t?.cleanup());

const job = (id: string): JobDocument => ({
  id,
  portfolioId: 'pf-1',
  analysisType: 'comprehensive',
  status: 'queued',
  totalProperties: 250,
  chunkCount: 3,
  estimatedCost: 20,
  budget: 50,
  allowPartial: false,
  idempotencyKey: 'key-1',
  createdAt: '2025-06-01T00:00:00.000Z',
  updatedAt: '2025-06-01T00:00:00.000Z',
});

describe('JobsRepository', () => {
  it('creates a job and reads it back by id', async () => {
    await jobs.create(job('job-a'));
    expect(await jobs.get('job-a')).toEqual(job('job-a'));
  });

  it('answers undefined for an unknown job', async () => {
    expect(await jobs.get('job-missing')).toBeUndefined();
  });

  it('refuses a second job with the same id with JobAlreadyExistsError, and tryCreate answers false', async () => {
    await jobs.create(job('job-b'));
    await expect(jobs.create({ ...job('job-b'), totalProperties: 1 })).rejects.toBeInstanceOf(JobAlreadyExistsError);
    expect(await jobs.tryCreate(job('job-b'))).toBe(false);
    expect(await jobs.tryCreate(job('job-b2'))).toBe(true);
    expect((await jobs.get('job-b'))?.totalProperties).toBe(250);
  });

  it('rejects an invalid document before writing it', async () => {
    await expect(jobs.create({ ...job('job-bad'), status: 'done' as JobDocument['status'] })).rejects.toThrow();
    expect(await jobs.get('job-bad')).toBeUndefined();
  });

  it('updates with a patch and stamps updatedAt', async () => {
    await jobs.create(job('job-c'));
    const updated = await jobs.update('job-c', {
      status: 'completed',
      endTime: '2025-06-01T01:00:00.000Z',
      reportId: 'job-c',
    });
    expect(updated).toMatchObject({
      status: 'completed',
      endTime: '2025-06-01T01:00:00.000Z',
      reportId: 'job-c',
      totalProperties: 250,
    });
    expect(updated.updatedAt > job('job-c').updatedAt).toBe(true);
    expect(await jobs.get('job-c')).toEqual(updated);
  });

  it("removes an end's field patched with null, and leaves one patched with undefined", async () => {
    await jobs.create({ ...job('job-end'), status: 'failed', endTime: '2025-06-01T01:00:00.000Z', error: 'boom' });
    await jobs.update('job-end', { status: 'processing', endTime: null, error: undefined, statusReason: null });
    const stored = await jobs.get('job-end');
    expect(stored).toMatchObject({ status: 'processing', error: 'boom' });
    expect(stored).not.toHaveProperty('endTime');
    expect(stored).not.toHaveProperty('statusReason');
  });

  it('retries on an etag conflict and re-applies the update to the newer document', async () => {
    await jobs.create(job('job-d'));
    let calls = 0;
    const result = await jobs.update('job-d', async (current) => {
      calls += 1;
      // A concurrent writer changes the document between this attempt's read and its replace.
      if (calls === 1) await jobs.update('job-d', { status: 'processing' });
      return { error: `seen ${current.status}` };
    });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ status: 'processing', error: 'seen processing' });
    expect(await jobs.get('job-d')).toMatchObject({ status: 'processing', error: 'seen processing' });
  });

  it('loses no update among concurrent writers', async () => {
    await jobs.create(job('job-e'));
    await Promise.all(
      Array.from({ length: 8 }, () =>
        jobs.update('job-e', (current) => ({ error: `${current.error ?? ''}x` }), { maxAttempts: 20 }),
      ),
    );
    expect((await jobs.get('job-e'))?.error).toBe('xxxxxxxx');
  });

  it('gives up with ConcurrencyConflictError after maxAttempts', async () => {
    await jobs.create(job('job-f'));
    const update = jobs.update(
      'job-f',
      async () => {
        await jobs.update('job-f', { status: 'processing' });
        return { status: 'failed' };
      },
      { maxAttempts: 3 },
    );
    await expect(update).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect((await jobs.get('job-f'))?.status).toBe('processing');
  });

  it('refuses to update a job that does not exist', async () => {
    await expect(jobs.update('job-none', { status: 'failed' })).rejects.toBeInstanceOf(DocumentNotFoundError);
  });
});
