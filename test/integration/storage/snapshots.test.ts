import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotRecord } from '../../../src/domain/snapshot.ts';
import { BlobNotFoundError, InvalidStoredDocumentError } from '../../../src/storage/errors.ts';
import { CHUNKS_PER_PART, SnapshotStore, snapshotBlobName } from '../../../src/storage/snapshot-store.ts';
import { openTestStorage, type TestStorage } from '../fixtures.ts';

let t: TestStorage;
beforeAll(async () => {
  t = await openTestStorage('snapshots');
});
afterAll(() => t?.cleanup());

const record = (id: string): SnapshotRecord => ({ id, state: 'TX', zip: '78701', value: 100 });

async function all(records: AsyncIterable<SnapshotRecord>): Promise<SnapshotRecord[]> {
  const out: SnapshotRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

describe('SnapshotStore', () => {
  it('merges chunk parts into one snapshot sorted by propertyId, through intermediate runs', async () => {
    // Ten chunks 100 apart, so each appends to a part of its own; fan-in 3 over 10 sorted parts: 4 runs,
    // then 2, then the snapshot (three levels of the external merge).
    const store = new SnapshotStore({
      serviceClient: t.clients.blobs,
      containerName: t.names.snapshotContainer,
      fanIn: 3,
    });
    const ids = Array.from({ length: 250 }, (_, i) => `P-${String((i * 7919) % 1000).padStart(4, '0')}`);
    for (let chunk = 0; chunk < 10; chunk++)
      await store.writePart('job-m', chunk * CHUNKS_PER_PART, ids.slice(chunk * 25, chunk * 25 + 25).map(record));
    const built = await store.build('job-m');
    expect(built).toEqual({ blob: snapshotBlobName('job-m'), records: 250, parts: 10 });
    const back = await all(store.read('job-m'));
    expect(back.map((r) => r.id)).toEqual([...ids].sort());
    expect(back[0]).toEqual(record([...ids].sort()[0]!));
    // Only the parts and the snapshot remain: the runs were deleted.
    const names: string[] = [];
    for await (const blob of t.clients.blobs
      .getContainerClient(t.names.snapshotContainer)
      .listBlobsFlat({ prefix: 'jobs/job-m/' }))
      names.push(blob.name);
    expect(names.filter((n) => n.includes('/runs/'))).toEqual([]);
    expect(names).toContain('jobs/job-m/snapshot.ndjson');
  });

  it('keeps the last record of a property a retried or redriven chunk appended again, and rebuilds the same', async () => {
    const store = t.storage.snapshots;
    await store.writePart('job-r', 0, [record('B'), record('A')]);
    await store.writePart('job-r', 1, [record('C')]);
    await store.writePart('job-r', 0, [{ ...record('B'), failed: 'AVM_UNAVAILABLE' }, record('A')]);
    await store.writePart('job-r', 0, [record('B'), record('A')]); // the redrive valued B after all
    await store.writePart('job-r', 100, [record('D')]);
    expect(await store.build('job-r')).toMatchObject({ records: 4, parts: 2 });
    expect((await store.build('job-r')).records).toBe(4);
    const back = await all(store.read('job-r'));
    expect(back.map((r) => r.id)).toEqual(['A', 'B', 'C', 'D']);
    expect(back[1]).toEqual(record('B'));
  });

  it('reads ids that JSON escapes, and refuses a part line that is not a record', async () => {
    const store = t.storage.snapshots;
    await store.writePart('job-e', 0, [record('B'), record('A"quoted'), record('A\\slash')]);
    await store.build('job-e');
    expect((await all(store.read('job-e'))).map((r) => r.id)).toEqual(['A"quoted', 'A\\slash', 'B']);
    const part = t.clients.blobs
      .getContainerClient(t.names.snapshotContainer)
      .getAppendBlobClient('jobs/job-e/parts/group-0.ndjson');
    await part.appendBlock('{"id": 7}\n', 10);
    await expect(store.build('job-e')).rejects.toBeInstanceOf(InvalidStoredDocumentError);
  });

  it('builds an empty snapshot for a job whose chunks never ran, and has none for an unknown job', async () => {
    expect(await t.storage.snapshots.build('job-empty')).toMatchObject({ records: 0, parts: 0 });
    expect(await all(t.storage.snapshots.read('job-empty'))).toEqual([]);
    expect(await t.storage.snapshots.exists('job-empty')).toBe(true);
    expect(await t.storage.snapshots.exists('job-unknown')).toBe(false);
    await expect(all(t.storage.snapshots.read('job-unknown'))).rejects.toBeInstanceOf(BlobNotFoundError);
  });
});
