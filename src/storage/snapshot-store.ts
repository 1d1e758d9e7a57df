// Per-property snapshots of reports (domain/snapshot.ts) as NDJSON blobs sorted by propertyId, in their own
// container (default `portfolio-snapshots`, kept as long as the reports that point to them):
//   jobs/{jobId}/parts/group-{g}.ndjson   append blobs: each chunk of the group (chunks g x 100 to g x 100 + 99)
//                                         appends its records as one block, written by analyzeChunk
//   jobs/{jobId}/snapshot.ndjson          the job's snapshot, built by aggregateReport from the parts
// One append blob per 100 chunks, not one blob per chunk: at 1,000,000 properties that is 100 blobs to read
// instead of 10,000 (Azurite slows with every blob it holds; Azure bills and throttles per request).
// A retried or redriven chunk appends its records again: within a group the last occurrence of a propertyId
// wins. The build sorts each group in memory (10,000 records at the default chunk size: a few MB) into a run,
// then merges the runs, at most `fanIn` streams at a time (intermediate runs under jobs/{jobId}/runs/, deleted
// afterwards), so memory holds one group or `fanIn` read buffers whatever the portfolio's size. Parts are kept:
// every build rewrites the snapshot from them, so a retried or repeated build gives the same blob.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { chunk } from '../domain/chunking.ts';
import { compareStrings } from '../domain/order.ts';
import type { SnapshotRecord } from '../domain/snapshot.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { containerOnce } from './container-once.ts';
import { BlobNotFoundError, InvalidStoredDocumentError, statusOf } from './errors.ts';

export const SNAPSHOT_CONTAINER = 'portfolio-snapshots';

export const snapshotBlobName = (jobId: string): string => `jobs/${jobId}/snapshot.ndjson`;
const partsPrefix = (jobId: string): string => `jobs/${jobId}/parts/`;
/** Chunks whose records share one append blob. */
export const CHUNKS_PER_PART = 100;
const partName = (jobId: string, chunkIndex: number): string =>
  `${partsPrefix(jobId)}group-${Math.floor(chunkIndex / CHUNKS_PER_PART)}.ndjson`;
const runName = (jobId: string, level: number, index: number): string => `jobs/${jobId}/runs/${level}-${index}.ndjson`;

/** Bytes gathered before a write hands them on: blocks of a few MB, not one request per line. */
const WRITE_BLOCK_BYTES = 4 * 1024 * 1024;

export interface SnapshotStoreOptions {
  serviceClient: BlobServiceClient;
  /** Default `portfolio-snapshots`. */
  containerName?: string;
  /** Sorted inputs merged at once (default 100). */
  fanIn?: number;
}

export interface BuiltSnapshot {
  /** Blob name of the job's snapshot. */
  blob: string;
  records: number;
  /** Parts it was built from (one per chunk that ran). */
  parts: number;
}

/** One NDJSON line and the id it is sorted by. */
interface Line {
  id: string;
  text: string;
}

const ID_PREFIX = '{"id":"';

/**
 * The id of a record's line. Records are written with `id` first and propertyIds need no escaping, so the id
 * is read off the line's start without parsing the rest (the merge passes would otherwise parse every record
 * twice more); any other line is parsed whole. Undefined when the line is JSON without a string id; throws
 * SyntaxError when it is not JSON.
 */
function idOf(text: string): string | undefined {
  if (text.startsWith(ID_PREFIX)) {
    const end = text.indexOf('"', ID_PREFIX.length);
    const id = text.slice(ID_PREFIX.length, end);
    if (end > 0 && !id.includes('\\')) return id;
  }
  const parsed = JSON.parse(text) as { id?: unknown } | null;
  return typeof parsed?.id === 'string' ? parsed.id : undefined;
}

export class SnapshotStore {
  readonly #container: ContainerClient;
  readonly #fanIn: number;
  readonly #ensure: () => Promise<void>;

  constructor(options: SnapshotStoreOptions) {
    this.#container = options.serviceClient.getContainerClient(options.containerName ?? SNAPSHOT_CONTAINER);
    this.#ensure = containerOnce(this.#container);
    this.#fanIn = Math.max(2, options.fanIn ?? 100);
  }

  get containerName(): string {
    return this.#container.containerName;
  }

  /** Creates the container if missing (once per instance; a failure is retried on the next call). */
  ensureContainer(): Promise<void> {
    return this.#ensure();
  }

  /**
   * Appends a chunk's records to its group's part (one block: all of them or none). A retried chunk appends
   * them again; the build keeps the last occurrence of each propertyId.
   */
  async writePart(jobId: string, chunkIndex: number, records: readonly SnapshotRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.ensureContainer();
    const part = this.#container.getAppendBlobClient(partName(jobId, chunkIndex));
    const block = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
    try {
      await part.appendBlock(block, block.length);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      // The group's first chunk: create the part (another chunk may be doing the same), then append.
      await part.createIfNotExists({ blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
      await part.appendBlock(block, block.length);
    }
  }

  /** Builds the job's snapshot from its parts (an empty snapshot when no chunk ran). */
  async build(jobId: string): Promise<BuiltSnapshot> {
    await this.ensureContainer();
    const parts: string[] = [];
    for await (const blob of this.#container.listBlobsFlat({ prefix: partsPrefix(jobId) })) parts.push(blob.name);
    // Level 0: each part sorted (last occurrence of an id wins) into a run of its own.
    let inputs = await mapWithConcurrency(parts, 2, async (part, index) => {
      const name = runName(jobId, 0, index);
      await this.#write(name, this.#sortedPart(part));
      return name;
    });
    const runs = [...inputs];
    for (let level = 1; inputs.length > this.#fanIn; level++) {
      inputs = await mapWithConcurrency(chunk(inputs, this.#fanIn), 2, async (group, index) => {
        const name = runName(jobId, level, index);
        await this.#write(name, this.#merge(group));
        return name;
      });
      runs.push(...inputs);
    }
    const blob = snapshotBlobName(jobId);
    const records = await this.#write(blob, this.#merge(inputs));
    await mapWithConcurrency(runs, 8, (name) => this.#container.deleteBlob(name).catch(() => undefined));
    return { blob, records, parts: parts.length };
  }

  /** True when the job's snapshot exists (a report's snapshot may have been removed with old blobs). */
  async exists(jobId: string): Promise<boolean> {
    return this.#container.getBlobClient(snapshotBlobName(jobId)).exists();
  }

  /**
   * The job's snapshot, record by record in propertyId order, streamed from the blob. Throws
   * BlobNotFoundError when the job has none, InvalidStoredDocumentError on a line that is not a record.
   */
  async *read(jobId: string): AsyncGenerator<SnapshotRecord> {
    for await (const line of this.#lines(snapshotBlobName(jobId))) yield JSON.parse(line.text) as SnapshotRecord;
  }

  /** A part's lines, the last occurrence of each id only, sorted by id: one group of chunks, in memory. */
  async *#sortedPart(name: string): AsyncGenerator<Line> {
    const latest = new Map<string, Line>();
    for await (const line of this.#lines(name)) latest.set(line.id, line);
    yield* [...latest.values()].sort((a, b) => compareStrings(a.id, b.id));
  }

  /** The records of `names` (each sorted), merged into one sorted sequence. */
  async *#merge(names: readonly string[]): AsyncGenerator<Line> {
    const sources = names.map((name) => this.#lines(name));
    const heads = await Promise.all(sources.map((s) => s.next()));
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i]!;
        if (!head.done && (best === -1 || head.value.id < (heads[best]!.value as Line).id)) best = i;
      }
      if (best === -1) return;
      yield heads[best]!.value as Line;
      heads[best] = await sources[best]!.next();
    }
  }

  /** The lines of one NDJSON blob, streamed, each with its record's id. */
  async *#lines(name: string): AsyncGenerator<Line> {
    let body: NodeJS.ReadableStream | undefined;
    try {
      body = (await this.#container.getBlobClient(name).download(0, undefined, { maxRetryRequests: 5 }))
        .readableStreamBody;
    } catch (error) {
      if (statusOf(error) === 404) throw new BlobNotFoundError(this.#container.containerName, name, { cause: error });
      throw error;
    }
    if (!body) return;
    const location = `${this.#container.containerName}/${name}`;
    for await (const text of createInterface({ input: body, crlfDelay: Infinity })) {
      if (text === '') continue;
      let id: string | undefined;
      try {
        id = idOf(text);
      } catch (error) {
        throw new InvalidStoredDocumentError(location, [
          `not JSON: ${error instanceof Error ? error.message : String(error)}`,
        ]);
      }
      // Written by writePart from validated results: only the sort key is checked here, on every line.
      if (id === undefined) throw new InvalidStoredDocumentError(location, ['a line without a string id']);
      yield { id, text };
    }
  }

  /** Streams `lines` into the blob `name` (replacing it); returns how many were written. */
  async #write(name: string, lines: AsyncIterable<Line>): Promise<number> {
    let records = 0;
    async function* blocks(): AsyncGenerator<Buffer> {
      let pending: string[] = [];
      let size = 0;
      for await (const line of lines) {
        records += 1;
        pending.push(line.text, '\n');
        size += line.text.length + 1;
        if (size >= WRITE_BLOCK_BYTES) {
          yield Buffer.from(pending.join(''), 'utf8');
          pending = [];
          size = 0;
        }
      }
      if (pending.length > 0) yield Buffer.from(pending.join(''), 'utf8');
    }
    await this.#container.getBlockBlobClient(name).uploadStream(Readable.from(blocks()), WRITE_BLOCK_BYTES, 2, {
      blobHTTPHeaders: { blobContentType: 'application/x-ndjson' },
    });
    return records;
  }
}
