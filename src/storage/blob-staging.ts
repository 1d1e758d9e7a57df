// Blob staging (DESIGN §2.1): a job's property list as immutable chunk blobs, read by analyzeChunk, so
// property lists never travel through orchestration history. A submission stages its chunks while its
// tape is still being read, under a folder of its own (`jobs/{jobId}/{stagingId}/chunk-{n}.json`, and the
// identities shared across the job in `shared-identities.json` once the tape is read), so that two
// submissions racing for one job id never mix their chunks; the job names its folder (JobSpec.stagingId).
// Jobs staged before folders have `jobs/{jobId}/chunk-{n}.json` with the identities inside.
// Registered portfolios keep their property list at `portfolios/{portfolioId}/properties.json`.
// Blobs hold properties that passed validation when they were staged; reads check only the outer shape.
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { propertyIdentity } from '../domain/identity.ts';
import type { Property } from '../domain/schemas.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { containerOnce } from './container-once.ts';
import { BlobNotFoundError, InvalidStoredDocumentError, statusOf } from './errors.ts';

export const STAGING_CONTAINER = 'portfolio-staging';

/** A chunk's blob: in the job's staging folder, or (jobs staged before folders) in the job's own. */
export const chunkBlobName = (jobId: string, chunkIndex: number, stagingId?: string): string =>
  stagingId === undefined
    ? `jobs/${jobId}/chunk-${chunkIndex}.json`
    : `jobs/${jobId}/${stagingId}/chunk-${chunkIndex}.json`;
const sharedIdentitiesBlobName = (jobId: string, stagingId: string): string =>
  `jobs/${jobId}/${stagingId}/shared-identities.json`;
export const portfolioBlobName = (portfolioId: string): string => `portfolios/${portfolioId}/properties.json`;
export const planBlobName = (jobId: string, planId: string): string => `jobs/${jobId}/plan-${planId}.json`;

/**
 * One chunk as analyzeChunk reads it: its properties, and which of their identities (propertyIdentity) are
 * shared with another propertyId anywhere in the job, so their valuations are kept apart (valuationKey).
 */
export interface StagedChunk {
  properties: Property[];
  sharedIdentities: string[];
}

export interface BlobStagingOptions {
  serviceClient: BlobServiceClient;
  /** Default `portfolio-staging`. */
  containerName?: string;
  /** Uploads (and deletes) in flight. Default 8. */
  concurrency?: number;
}

export class BlobStaging {
  readonly #container: ContainerClient;
  readonly #concurrency: number;
  readonly #ensure: () => Promise<void>;
  #lastShared: { name: string; identities: ReadonlySet<string> } | undefined;

  constructor(options: BlobStagingOptions) {
    this.#container = options.serviceClient.getContainerClient(options.containerName ?? STAGING_CONTAINER);
    this.#ensure = containerOnce(this.#container);
    this.#concurrency = options.concurrency ?? 8;
  }

  get containerName(): string {
    return this.#container.containerName;
  }

  /** Creates the container if missing (once per instance; a failure is retried on the next call). */
  ensureContainer(): Promise<void> {
    return this.#ensure();
  }

  /** Uploads one chunk of a submission's folder (see the module comment). */
  async stageChunk(
    jobId: string,
    stagingId: string,
    chunkIndex: number,
    properties: readonly Property[],
  ): Promise<void> {
    await this.ensureContainer();
    await this.#upload(chunkBlobName(jobId, chunkIndex, stagingId), properties);
  }

  /** Uploads the identities that several propertyIds of the job share (after its last chunk). */
  async stageSharedIdentities(jobId: string, stagingId: string, identities: readonly string[]): Promise<void> {
    await this.ensureContainer();
    await this.#upload(sharedIdentitiesBlobName(jobId, stagingId), identities);
  }

  /** Deletes a submission's folder (a request refused after its first chunks were staged); returns the count. */
  discardStaging(jobId: string, stagingId: string): Promise<number> {
    return this.#deletePrefix(`jobs/${jobId}/${stagingId}/`);
  }

  /**
   * A chunk's properties and which of their identities are shared with another propertyId of the job.
   * Throws BlobNotFoundError, InvalidStoredDocumentError.
   */
  async readChunk(jobId: string, chunkIndex: number, stagingId?: string): Promise<StagedChunk> {
    const name = chunkBlobName(jobId, chunkIndex, stagingId);
    const parsed = await this.#readJson(name);
    if (stagingId !== undefined) {
      if (!Array.isArray(parsed))
        throw new InvalidStoredDocumentError(`${this.#container.containerName}/${name}`, ['expected properties']);
      const properties = parsed as Property[];
      const shared = await this.#sharedIdentities(jobId, stagingId);
      const own = new Set(properties.map(propertyIdentity));
      return { properties, sharedIdentities: [...own].filter((i) => shared.has(i)) };
    }
    // A bare array is a chunk staged before identities were staged with it: nothing shared.
    if (Array.isArray(parsed)) return { properties: parsed as Property[], sharedIdentities: [] };
    const chunk = parsed as Partial<StagedChunk> | null;
    if (!Array.isArray(chunk?.properties) || !Array.isArray(chunk.sharedIdentities))
      throw new InvalidStoredDocumentError(`${this.#container.containerName}/${name}`, [
        'expected {properties, sharedIdentities}',
      ]);
    return { properties: chunk.properties, sharedIdentities: chunk.sharedIdentities };
  }

  /** The job's shared identities: immutable once staged, so the last job's are kept for its next chunks. */
  async #sharedIdentities(jobId: string, stagingId: string): Promise<ReadonlySet<string>> {
    const name = sharedIdentitiesBlobName(jobId, stagingId);
    if (this.#lastShared?.name === name) return this.#lastShared.identities;
    const parsed = await this.#readJson(name);
    if (!Array.isArray(parsed) || !parsed.every((i) => typeof i === 'string'))
      throw new InvalidStoredDocumentError(`${this.#container.containerName}/${name}`, ['expected identities']);
    this.#lastShared = { name, identities: new Set(parsed) };
    return this.#lastShared.identities;
  }

  /** Stores the chunk indexes a pass of the job works on (its plan), in the order the pass takes them. */
  async savePlan(jobId: string, planId: string, chunkIndexes: readonly number[]): Promise<void> {
    await this.ensureContainer();
    await this.#upload(planBlobName(jobId, planId), chunkIndexes);
  }

  /** A pass's plan, as savePlan stored it. */
  async readPlan(jobId: string, planId: string): Promise<number[]> {
    const name = planBlobName(jobId, planId);
    const parsed = await this.#readJson(name);
    if (!Array.isArray(parsed) || !parsed.every((n) => Number.isInteger(n)))
      throw new InvalidStoredDocumentError(`${this.#container.containerName}/${name}`, ['expected chunk indexes']);
    return parsed as number[];
  }

  /** Stores a registered portfolio's property list (replacing the previous one); returns its blob name. */
  async stagePortfolio(portfolioId: string, properties: readonly Property[]): Promise<string> {
    await this.ensureContainer();
    const name = portfolioBlobName(portfolioId);
    await this.#upload(name, properties);
    return name;
  }

  async readPortfolio(blobName: string): Promise<Property[]> {
    return this.#readProperties(blobName);
  }

  /** Deletes every blob of the job; returns how many were deleted. */
  deleteJob(jobId: string): Promise<number> {
    return this.#deletePrefix(`jobs/${jobId}/`);
  }

  async #deletePrefix(prefix: string): Promise<number> {
    const names: string[] = [];
    try {
      for await (const blob of this.#container.listBlobsFlat({ prefix })) names.push(blob.name);
    } catch (error) {
      if (statusOf(error) === 404) return 0; // no container: nothing staged yet
      throw error;
    }
    await mapWithConcurrency(names, this.#concurrency, (name) =>
      this.#container.deleteBlob(name, { deleteSnapshots: 'include' }).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      }),
    );
    return names.length;
  }

  async #upload(name: string, content: unknown): Promise<void> {
    const body = Buffer.from(JSON.stringify(content), 'utf8');
    await this.#container
      .getBlockBlobClient(name)
      .uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json' } });
  }

  async #readProperties(name: string): Promise<Property[]> {
    const parsed = await this.#readJson(name);
    if (!Array.isArray(parsed))
      throw new InvalidStoredDocumentError(`${this.#container.containerName}/${name}`, [
        'expected an array of properties',
      ]);
    return parsed as Property[];
  }

  async #readJson(name: string): Promise<unknown> {
    let buffer: Buffer;
    try {
      buffer = await this.#container.getBlobClient(name).downloadToBuffer();
    } catch (error) {
      if (statusOf(error) === 404) throw new BlobNotFoundError(this.#container.containerName, name, { cause: error });
      throw error;
    }
    try {
      return JSON.parse(buffer.toString('utf8'));
    } catch (error) {
      throw new InvalidStoredDocumentError(`${this.#container.containerName}/${name}`, [
        `not JSON: ${error instanceof Error ? error.message : String(error)}`,
      ]);
    }
  }
}
