// Tapes that callers upload as blobs and submit by reference (`propertiesBlob`, README "Large portfolios"):
// a 1,000,000-property tape need not pass through one HTTP body. The container is the callers' to write
// (in Azure: Storage Blob Data Contributor on it alone); the app only reads, in a stream.
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { Readable } from 'node:stream';
import { containerOnce } from './container-once.ts';
import { statusOf } from './errors.ts';

export const UPLOADS_CONTAINER = 'portfolio-uploads';

/** Bytes read at the start of an upload to tell its kind and encoding (sniff, detectEncoding). */
const HEAD_BYTES = 4096;

/** An uploaded tape: its declared type, size in bytes, first bytes, and its bytes as a stream. */
export interface Upload {
  name: string;
  contentType?: string | undefined;
  /** Bytes. */
  size: number;
  head: Uint8Array;
  /** The whole content, downloaded again on each call. */
  bytes: () => AsyncIterable<Uint8Array>;
}

export class TapeUploads {
  readonly #container: ContainerClient;
  readonly #ensure: () => Promise<void>;

  constructor(options: { serviceClient: BlobServiceClient; containerName?: string | undefined }) {
    this.#container = options.serviceClient.getContainerClient(options.containerName ?? UPLOADS_CONTAINER);
    this.#ensure = containerOnce(this.#container);
  }

  get containerName(): string {
    return this.#container.containerName;
  }

  /** Creates the container if missing (once per instance). */
  ensureContainer(): Promise<void> {
    return this.#ensure();
  }

  /** The upload named `name`, or undefined when there is no such blob. Throws what the service throws. */
  async open(name: string): Promise<Upload | undefined> {
    const blob = this.#container.getBlobClient(name);
    let properties;
    try {
      properties = await blob.getProperties();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
    const size = properties.contentLength ?? 0;
    const head =
      size === 0 ? new Uint8Array() : new Uint8Array(await blob.downloadToBuffer(0, Math.min(size, HEAD_BYTES)));
    // The version read is pinned: a blob replaced while it is read fails the read instead of mixing two tapes.
    const conditions = { conditions: { ifMatch: properties.etag } };
    return {
      name,
      contentType: properties.contentType,
      size,
      head,
      bytes: async function* () {
        const download = await blob.download(0, undefined, conditions);
        yield* download.readableStreamBody as Readable as AsyncIterable<Uint8Array>;
      },
    };
  }
}
