// Blob staging (DESIGN §2.1): a job's property list as immutable chunk blobs `jobs/{jobId}/chunk-{n}.json`,
// read by analyzeChunk, so property lists never travel through orchestration history. Registered
// portfolios keep their property list at `portfolios/{portfolioId}/properties.json`.
// Blobs hold properties that passed validation when they were staged; reads check only the outer shape.
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { propertyIdentity } from '../domain/identity.ts';
import type { Property } from '../domain/schemas.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { containerOnce } from './container-once.ts';
import { BlobNotFoundError, InvalidStoredDocumentError, statusOf } from './errors.ts';

export const STAGING_CONTAINER = 'portfolio-staging';

export const chunkBlobName = (jobId: string, chunkIndex: number): string => `jobs/${jobId}/chunk-${chunkIndex}.json`;
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

  /**
   * Uploads each chunk as `jobs/{jobId}/chunk-{n}.json` (n from 0), each with the identities of
   * `sharedIdentities` that its own properties have; returns the blob names.
   */
  async stageChunks(
    jobId: string,
    chunks: readonly (readonly Property[])[],
    sharedIdentities: ReadonlySet<string> = new Set(),
  ): Promise<string[]> {
    await this.ensureContainer();
    return mapWithConcurrency(chunks, this.#concurrency, async (properties, index) => {
      const name = chunkBlobName(jobId, index);
      const shared = [...new Set(properties.map(propertyIdentity))].filter((i) => sharedIdentities.has(i));
      await this.#upload(name, { properties, sharedIdentities: shared });
      return name;
    });
  }

  async readChunk(jobId: string, chunkIndex: number): Promise<StagedChunk> {
    const name = chunkBlobName(jobId, chunkIndex);
    const parsed = await this.#readJson(name);
    // A bare array is a chunk staged before identities were staged with it: nothing shared.
    if (Array.isArray(parsed)) return { properties: parsed as Property[], sharedIdentities: [] };
    const chunk = parsed as Partial<StagedChunk> | null;
    if (!Array.isArray(chunk?.properties) || !Array.isArray(chunk.sharedIdentities))
      throw new InvalidStoredDocumentError(`${this.#container.containerName}/${name}`, [
        'expected {properties, sharedIdentities}',
      ]);
    return { properties: chunk.properties, sharedIdentities: chunk.sharedIdentities };
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
  async deleteJob(jobId: string): Promise<number> {
    const names: string[] = [];
    try {
      for await (const blob of this.#container.listBlobsFlat({ prefix: `jobs/${jobId}/` })) names.push(blob.name);
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
