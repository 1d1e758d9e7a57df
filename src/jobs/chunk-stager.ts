// Staging a tape while it is read (DESIGN §2.1, issue 16.3): accepted properties are cut into chunks of
// `chunkSize` and each full chunk is uploaded at once, a few at a time, so that a submission holds at most
// `concurrency + 1` chunks of properties whatever the size of its tape. The reader waits (backpressure)
// when uploads fall behind. Everything goes to the submission's own folder (blob-staging.ts); a refused
// request's folder is deleted.
import { randomUUID } from 'node:crypto';
import type { Property } from '../domain/schemas.ts';
import { sharedIdentities } from '../domain/identity.ts';
import type { PropertySink } from '../domain/property-sink.ts';

/** The blob operations staging needs (BlobStaging). */
export interface ChunkStaging {
  stageChunk(jobId: string, stagingId: string, chunkIndex: number, properties: readonly Property[]): Promise<void>;
  stageSharedIdentities(jobId: string, stagingId: string, identities: readonly string[]): Promise<void>;
  discardStaging(jobId: string, stagingId: string): Promise<unknown>;
}

/** A tape staged whole: its folder, and how many properties and chunks it holds. */
export interface StagedTape {
  stagingId: string;
  count: number;
  chunkCount: number;
}

/** Uploads in flight at once by default: enough to keep staging ahead of parsing, little memory. */
const DEFAULT_CONCURRENCY = 4;

export class ChunkStager implements PropertySink {
  readonly stagingId: string;
  readonly #staging: ChunkStaging;
  readonly #jobId: string;
  readonly #chunkSize: number;
  readonly #concurrency: number;
  #chunk: Property[] = [];
  #chunks = 0;
  #count = 0;
  readonly #inFlight = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;

  /**
   * `stagingId`: the folder (default a new one: submissions racing for one job id never mix their chunks; a job's
   * own read of its tape passes its fixed folder, so that an attempt run again replaces the earlier one's chunks).
   */
  constructor(
    staging: ChunkStaging,
    jobId: string,
    options: { chunkSize: number; concurrency?: number | undefined; stagingId?: string | undefined },
  ) {
    this.stagingId = options.stagingId ?? randomUUID();
    this.#staging = staging;
    this.#jobId = jobId;
    this.#chunkSize = options.chunkSize;
    this.#concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  }

  /** Takes the next property; when its chunk fills, uploads it, and waits while too many uploads run. */
  add(property: Property): void | Promise<void> {
    if (this.#failure) throw this.#failure.error;
    this.#chunk.push(property);
    this.#count++;
    if (this.#chunk.length < this.#chunkSize) return;
    this.#upload();
    if (this.#inFlight.size >= this.#concurrency) return Promise.race(this.#inFlight);
  }

  /**
   * Uploads the last chunk and the job's shared identities, and waits for every upload. Throws the first
   * upload's error, after deleting the folder (no job will reference it).
   */
  async finish(shared: ReadonlySet<string>): Promise<StagedTape> {
    try {
      if (this.#chunk.length > 0) this.#upload();
      await Promise.all(this.#inFlight);
      if (this.#failure) throw this.#failure.error;
      await this.#staging.stageSharedIdentities(this.#jobId, this.stagingId, [...shared].sort());
      return { stagingId: this.stagingId, count: this.#count, chunkCount: this.#chunks };
    } catch (error) {
      await this.discard().catch(() => undefined);
      throw error;
    }
  }

  /** Waits for the uploads in flight, then deletes the folder (a refused or superseded submission). */
  async discard(): Promise<void> {
    await Promise.allSettled(this.#inFlight);
    await this.#staging.discardStaging(this.#jobId, this.stagingId);
  }

  #upload(): void {
    const chunk = this.#chunk;
    this.#chunk = [];
    const upload: Promise<void> = this.#staging
      .stageChunk(this.#jobId, this.stagingId, this.#chunks++, chunk)
      .catch((error: unknown) => {
        this.#failure ??= { error };
      })
      .finally(() => this.#inFlight.delete(upload));
    this.#inFlight.add(upload);
  }
}

/** Stages a list already in memory (a registered portfolio's): the same folders as a streamed tape. */
export async function stageProperties(
  staging: ChunkStaging,
  jobId: string,
  properties: readonly Property[],
  chunkSize: number,
): Promise<StagedTape> {
  const stager = new ChunkStager(staging, jobId, { chunkSize });
  try {
    for (const property of properties) await stager.add(property);
  } catch (error) {
    await stager.discard().catch(() => undefined);
    throw error;
  }
  return stager.finish(sharedIdentities(properties));
}
