// Tapes that callers upload as blobs and submit by reference (`propertiesBlob`, README "Large portfolios"):
// a 1,000,000-property tape need not pass through one HTTP body. The container is the callers' to write
// (in Azure: Storage Blob Data Contributor on it alone); the app only reads, in a stream.
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { Readable } from 'node:stream';
import { containerOnce } from './container-once.ts';
import { statusOf, UploadChangedError } from './errors.ts';

export const UPLOADS_CONTAINER = 'portfolio-uploads';

/** Bytes read at the start of an upload to tell its kind and encoding (sniff, detectEncoding). */
const HEAD_BYTES = 4096;

/**
 * Bytes of each download request of a read (as the Azure SDKs' streaming reads do, e.g. .NET's OpenRead at
 * 4 MiB): each range asks for the pinned version again, so a tape replaced or deleted during a read of
 * minutes fails at the next range instead of going unnoticed, and no request stays open for the whole read.
 */
const RANGE_BYTES = 4 * 1024 * 1024;

/** An uploaded tape: its version, declared type, size in bytes, first bytes, and its bytes as a stream. */
export interface Upload {
  name: string;
  /** The version read (the blob's ETag): every read of the upload asks for it. */
  etag: string;
  contentType?: string | undefined;
  /** Bytes. */
  size: number;
  head: Uint8Array;
  /**
   * The whole content, downloaded again on each call, in ranges of the version `open` found. Throws
   * UploadChangedError when that version was replaced or deleted since (at the next range or resumption).
   */
  bytes: () => AsyncIterable<Uint8Array>;
}

export class TapeUploads {
  readonly #container: ContainerClient;
  readonly #ensure: () => Promise<void>;
  readonly #rangeBytes: number;

  /** `rangeBytes`: bytes per download request of a read (default 4 MiB). */
  constructor(options: {
    serviceClient: BlobServiceClient;
    containerName?: string | undefined;
    rangeBytes?: number | undefined;
  }) {
    this.#container = options.serviceClient.getContainerClient(options.containerName ?? UPLOADS_CONTAINER);
    this.#ensure = containerOnce(this.#container);
    this.#rangeBytes = options.rangeBytes ?? RANGE_BYTES;
  }

  get containerName(): string {
    return this.#container.containerName;
  }

  /** Creates the container if missing (once per instance). */
  ensureContainer(): Promise<void> {
    return this.#ensure();
  }

  /**
   * The upload named `name`, or undefined when there is no such blob. Its version (ETag) is pinned: every
   * later read asks for it. With `etag` (the version a request named when it was accepted), that version only.
   * Throws UploadChangedError when the blob changes between the first two requests, or is no longer `etag`,
   * and what the service throws.
   */
  async open(name: string, etag?: string): Promise<Upload | undefined> {
    const blob = this.#container.getBlobClient(name);
    let properties;
    try {
      properties = await blob.getProperties(etag === undefined ? {} : { conditions: { ifMatch: etag } });
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 && etag === undefined) return undefined;
      if (status === 404 || status === 412)
        throw new UploadChangedError(this.#container.containerName, name, status === 404 ? 'deleted' : 'replaced', {
          cause: error,
        });
      throw error;
    }
    const size = properties.contentLength ?? 0;
    const version = properties.etag ?? '';
    // The version read is pinned: a blob replaced while it is read fails the read instead of mixing two tapes.
    // Fresh options for each call: the SDK writes into the options it is given.
    const pinned = () => ({ conditions: { ifMatch: version } });
    // A version gone answers 412 (Azurite answers 412 for a deleted one too) or 404; whether the name still
    // has a blob tells a replacement from a deletion.
    const changed = async (error: unknown) => {
      const status = statusOf(error);
      if (status !== 412 && status !== 404) return error;
      const change = (await blob.exists().catch(() => true)) ? 'replaced' : 'deleted';
      return new UploadChangedError(this.#container.containerName, name, change, { cause: error });
    };
    let head = new Uint8Array();
    if (size > 0)
      try {
        head = new Uint8Array(await blob.downloadToBuffer(0, Math.min(size, HEAD_BYTES), pinned()));
      } catch (error) {
        throw await changed(error);
      }
    const rangeBytes = this.#rangeBytes;
    return {
      name,
      etag: version,
      contentType: properties.contentType,
      size,
      head,
      bytes: async function* () {
        try {
          for (let offset = 0; offset < size; offset += rangeBytes) {
            const range = await blob.download(offset, Math.min(rangeBytes, size - offset), pinned());
            yield* range.readableStreamBody as Readable as AsyncIterable<Uint8Array>;
          }
        } catch (error) {
          throw await changed(error);
        }
      },
    };
  }
}
