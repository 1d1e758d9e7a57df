// readTape with in-memory ports: it writes the reading document first, empties the job's one staging folder before
// it stages (an attempt run again after a crash replaces the earlier one's chunks), answers the staged counts, the
// refusal (deleting what it staged), or the job's stop (checked while properties are staged and at the end).
import { describe, expect, it } from 'vitest';
import { READ_STAGING_ID, readTape, type ReadTapePorts, type TapeOutcome } from '../../../src/activities/read-tape.ts';
import type { DataQuality } from '../../../src/domain/data-quality.ts';
import type { StopReason } from '../../../src/domain/job-progress.ts';
import type { Property } from '../../../src/domain/schemas.ts';
import type { ReadTapeInput } from '../../../src/workflow.ts';
import { memoryJobs } from '../jobs/memory-jobs.ts';
import { property } from './chunk-world.ts';

const input: ReadTapeInput = {
  job: {
    jobId: 'job-r',
    portfolioId: 'book',
    analysisType: 'risk',
    chunkSize: 10,
    allowPartial: false,
    asOf: '2026-11-30T10:00:00.000Z',
  },
  tape: { blobName: 'books/q4.csv', etag: '"0x1"', invalidRows: 'reject' },
};
const dataQuality = (accepted: number) =>
  ({
    format: { kind: 'csv', encoding: 'utf-8', separator: ',' },
    invalidRows: 'reject',
    rows: accepted,
    accepted,
    skipped: 0,
    skippedRows: [],
    warnings: [],
  }) as unknown as DataQuality;

/** Ports over memory: a tape of `count` properties read by `read`, a stop that `stopAfter` properties staged set. */
function world(count: number, options: { refuse?: boolean; stopAfter?: number } = {}) {
  const log: string[] = [];
  const { jobs, createJob } = memoryJobs(log);
  const folders = new Map<string, Property[]>();
  let stop: StopReason | undefined;
  let read = 0;
  const ports: ReadTapePorts = {
    createJob,
    discardStaging: async (jobId, stagingId) => {
      log.push('discard');
      folders.delete(`${jobId}/${stagingId}`);
    },
    stager: (jobId, stagingId) => {
      const key = `${jobId}/${stagingId}`;
      return {
        add: (p) => {
          folders.set(key, [...(folders.get(key) ?? []), p]);
          if (folders.get(key)!.length === options.stopAfter) stop = 'cancelled';
        },
        finish: async () => ({
          count: folders.get(key)?.length ?? 0,
          chunkCount: Math.ceil((folders.get(key)?.length ?? 0) / 10),
        }),
        discard: async () => {
          log.push('discard');
          folders.delete(key);
        },
      };
    },
    readTape: async (_, sink): Promise<TapeOutcome> => {
      for (let i = 1; i <= count; i++) {
        read = i;
        await sink.add(property(i));
      }
      if (options.refuse)
        return {
          ok: false,
          errors: [{ path: 'row 9, column zip', message: 'must not be empty' }],
          totalErrors: 1,
          dataQuality: dataQuality(count),
        };
      return { ok: true, dataQuality: dataQuality(count), sharedIdentities: new Set() };
    },
    stopRequested: async () => stop,
    now: () => new Date('2026-11-30T10:00:01.000Z'),
  };
  return { log, jobs, folders, ports, staged: () => folders.get(`job-r/${READ_STAGING_ID}`), read: () => read };
}

describe('readTape', () => {
  it('writes the reading document, empties its folder, stages the tape and answers its counts', async () => {
    const w = world(25);
    w.folders.set(`job-r/${READ_STAGING_ID}`, [property(99)]); // an earlier attempt's chunk
    const output = await readTape(input, w.ports);
    expect(output).toEqual({
      kind: 'read',
      stagingId: READ_STAGING_ID,
      count: 25,
      chunkCount: 3,
      dataQuality: dataQuality(25),
    });
    expect(w.log.slice(0, 2)).toEqual(['document', 'discard']);
    expect(w.jobs.get('job-r')).toMatchObject({ status: 'reading', propertiesBlob: 'books/q4.csv' });
    expect(w.staged()?.map((p) => p.propertyId)).not.toContain(property(99).propertyId);
    expect(w.staged()).toHaveLength(25);
  });

  it('answers a refusal with its errors and data quality, and deletes what it staged', async () => {
    const w = world(12, { refuse: true });
    expect(await readTape(input, w.ports)).toEqual({
      kind: 'rejected',
      rejection: { errors: [{ path: 'row 9, column zip', message: 'must not be empty' }], totalErrors: 1 },
      dataQuality: dataQuality(12),
    });
    expect(w.staged()).toBeUndefined();
  });

  it('stops at the next check after a stop while properties are staged, and deletes what it staged', async () => {
    const w = world(3_000, { stopAfter: 1_500 });
    expect(await readTape(input, w.ports)).toEqual({ kind: 'stopped', reason: 'cancelled' });
    expect(w.read()).toBe(2_000); // the check every 1,000 properties: the rest of the tape is not read
    expect(w.staged()).toBeUndefined();
  });

  it('a stop that came while the last properties were read still wins over the read', async () => {
    const w = world(20, { stopAfter: 20 });
    expect(await readTape(input, w.ports)).toEqual({ kind: 'stopped', reason: 'cancelled' });
    expect(w.staged()).toBeUndefined();
  });
});
