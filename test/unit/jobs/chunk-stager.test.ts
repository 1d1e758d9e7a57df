// ChunkStager over an in-memory staging port: chunks cut at chunkSize in order, no more uploads in flight than
// its concurrency (the reader waits), the shared identities written once after the last chunk, an upload's
// failure thrown to the reader, and the folder deleted after the uploads in flight.
import { describe, expect, it } from 'vitest';
import type { Property } from '../../../src/domain/schemas.ts';
import { ChunkStager, stageProperties, type ChunkStaging } from '../../../src/jobs/chunk-stager.ts';
import { property } from '../activities/chunk-world.ts';

/** Staging whose uploads end when `release` is called (or at once), counting those in flight. */
function memoryStaging(options: { failChunk?: number; manual?: boolean } = {}) {
  const chunks = new Map<number, Property[]>();
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const waiting: Array<() => void> = [];
  const staging: ChunkStaging = {
    stageChunk: async (_jobId, _stagingId, index, list) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (options.manual) await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight--;
      if (index === options.failChunk) throw new Error(`chunk ${index} upload failed`);
      chunks.set(index, [...list]);
    },
    stageSharedIdentities: async (_jobId, _stagingId, identities) => {
      log.push(`shared ${identities.join(',')}`);
    },
    discardStaging: async (jobId, stagingId) => {
      log.push(`discard ${jobId}/${stagingId}`);
      chunks.clear();
    },
  };
  const release = () => waiting.splice(0).forEach((resolve) => resolve());
  return { staging, chunks, log, release, maxInFlight: () => maxInFlight };
}

const properties = Array.from({ length: 23 }, (_, i) => property(i + 1));

describe('ChunkStager', () => {
  it('cuts the tape into chunks of chunkSize, in order, and writes the shared identities after the last', async () => {
    const m = memoryStaging();
    const twin = { ...property(3), propertyId: 'P3-twin' };
    const tape = await stageProperties(m.staging, 'job-1', [...properties, twin], 10);
    expect(tape).toMatchObject({ count: 24, chunkCount: 3 });
    expect([...m.chunks.keys()].sort()).toEqual([0, 1, 2]);
    expect(m.chunks.get(2)?.map((p) => p.propertyId)).toEqual(['P21', 'P22', 'P23', 'P3-twin']);
    expect(m.log).toEqual(['shared 78701|3 MAIN ST']);
  });

  it('keeps at most `concurrency` uploads in flight: the reader waits on add', async () => {
    const m = memoryStaging({ manual: true });
    const stager = new ChunkStager(m.staging, 'job-2', { chunkSize: 2, concurrency: 2 });
    let added = 0;
    const reading = (async () => {
      for (const p of properties.slice(0, 10)) {
        await stager.add(p);
        added++;
      }
    })();
    // Two chunks go out with the 2nd and 4th properties; the 4th property's add waits for one of them.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(added).toBe(3);
    while (added < 10) {
      m.release();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await reading;
    const finishing = stager.finish(new Set());
    m.release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    m.release();
    expect(await finishing).toMatchObject({ count: 10, chunkCount: 5 });
    expect(m.maxInFlight()).toBe(2);
  });

  it("throws an upload's failure to the reader (from add or finish), and the folder is deleted once", async () => {
    const m = memoryStaging({ failChunk: 1 });
    const stager = new ChunkStager(m.staging, 'job-3', { chunkSize: 5 });
    // As the analyze trigger stages: a failure from add is the reader's to discard; finish discards itself.
    const staging = async () => {
      try {
        for (const p of properties.slice(0, 12)) await stager.add(p);
      } catch (error) {
        await stager.discard();
        throw error;
      }
      return stager.finish(new Set());
    };
    await expect(staging()).rejects.toThrow('chunk 1 upload failed');
    expect(m.log).toEqual([`discard job-3/${stager.stagingId}`]);
    expect(m.chunks.size).toBe(0);
  });
});
